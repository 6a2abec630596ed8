// SPDX-License-Identifier: GPL-3.0-or-later
// anomaly_label.csv (`BlockId,Label`) applied to a fixed set of sessions.
// Oracle: every session is counted once, as labelled or unlabelled.
#include <vector>

#include "engine/data/labels.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<logbert::Session> sessions(4);
    sessions[0].id = "blk_1";
    sessions[1].id = "blk_-2";
    sessions[2].id = "blk_3";
    sessions[3].id = "window 1";
    const std::string& path = fuzz::writeInput(data, size, "labels.csv");
    fuzz::expectInputErrorsOnly([&] {
        const auto report = logbert::applyLabelFile(path, sessions);
        fuzz::check(report.labelled + report.unlabelled == sessions.size(), "every session counted once");
    });
    return 0;
}
