// SPDX-License-Identifier: GPL-3.0-or-later
// parser.drain, the saved Drain state a trained run uses to parse new logs (`logbert detect`).
#include <sstream>

#include "engine/parsing/drain.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    fuzz::expectInputErrorsOnly([&] {
        logbert::Drain drain = logbert::Drain::load(in, "parser.drain");
        for (const auto& t : drain.templates()) (void)drain.match(t.text());
        (void)drain.match("receiving block blk_1 src: /10.0.0.1:50010");
    });
    return 0;
}
