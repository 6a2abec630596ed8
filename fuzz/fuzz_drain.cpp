// SPDX-License-Identifier: GPL-3.0-or-later
// Drain: the first byte picks depth, similarity and masks; every other line is learned.
// Oracles: ids stay in range; the saved state loads back into a parser that saves the same bytes
// and matches every line to the same template.
#include <sstream>
#include <vector>

#include "engine/parsing/drain.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    logbert::DrainOptions options;
    options.depth = 3 + data[0] % 4;
    options.similarity = 0.1 * double(1 + (data[0] >> 2) % 9);
    options.maxChildren = 2 + (data[0] >> 6) * 4; // small fan-out reaches the <*> branches
    if (data[0] & 0x20) options.masks = {"ip", "hex", "number"};
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<std::string_view> lines;
    while (!rest.empty()) lines.push_back(fuzz::firstLine(rest));

    logbert::Drain drain(options);
    for (auto line : lines) {
        const int id = drain.add(line);
        fuzz::check(id >= 1 && std::size_t(id) <= drain.templateCount(), "add returns a valid template id");
    }
    std::stringstream saved;
    drain.save(saved);
    logbert::Drain loaded = logbert::Drain::load(saved, "fuzz state"); // must not throw: we wrote it
    std::stringstream again;
    loaded.save(again);
    fuzz::check(saved.str() == again.str(), "save, load, save gives the same bytes");
    for (auto line : lines) fuzz::check(drain.match(line) == loaded.match(line), "a loaded parser matches alike");
    return 0;
}
