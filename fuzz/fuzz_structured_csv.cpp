// SPDX-License-Identifier: GPL-3.0-or-later
// loghub structured CSV (`LineId,...,Content,EventId,EventTemplate`) through the dataset
// builder: the first byte picks identifier sessions, count windows or time windows.
// Oracle: every session has keys in the vocabulary's range and one line reference per key.
#include "engine/data/dataset.h"
#include "engine/parsing/log_format.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    logbert::DataConfig config;
    config.inputs.push_back({fuzz::writeInput(data + 1, size - 1, "structured.csv"), logbert::InputKind::StructuredCsv});
    switch (data[0] % 3) {
    case 0:
        config.sessionRule = logbert::SessionRule::Identifier;
        config.sessionPattern = logbert::findBuiltinFormat("hdfs")->sessionPattern;
        break;
    case 1:
        config.sessionRule = logbert::SessionRule::CountWindow;
        config.windowSize = 1 + (data[0] >> 2) % 8;
        break;
    default:
        config.sessionRule = logbert::SessionRule::TimeWindow;
        config.windowSize = 60;
        config.timestampFields = {"Date", "Time"};
        config.timestampFormat = "%y%m%d %H%M%S";
        break;
    }
    fuzz::expectInputErrorsOnly([&] {
        const logbert::Dataset d = logbert::buildDataset(config);
        for (const auto& s : d.sessions) {
            fuzz::check(s.lines.size() == s.keys.size(), "one line reference per key");
            for (auto k : s.keys) fuzz::check(k >= 1 && std::size_t(k) <= d.templates.size(), "keys name templates");
        }
    });
    return 0;
}
