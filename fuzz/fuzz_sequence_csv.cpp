// SPDX-License-Identifier: GPL-3.0-or-later
// Sequence CSV (`Sequence,label`), one labelled session per row.
#include <vector>

#include "engine/data/sequence_readers.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = fuzz::writeInput(data, size, "sequences.csv");
    std::vector<logbert::Session> sessions;
    fuzz::expectInputErrorsOnly([&] {
        logbert::readSequenceCsv(path, 0, sessions, {});
        for (const auto& s : sessions)
            fuzz::check(s.label == logbert::Label::Normal || s.label == logbert::Label::Anomaly, "rows are labelled");
    });
    return 0;
}
