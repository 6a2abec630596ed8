// SPDX-License-Identifier: GPL-3.0-or-later
// Window configs against a log timeline. The input is a run YAML (its data: section says how
// sessions are cut: by count or by time, size, step, format, timestamp fields), a line "%%", then
// raw log lines read with that YAML's format. Issue 13's classes 1, 3 and 4 meet here: steps that
// divided by zero, windows that multiplied the data, timestamps of inf or 1e19, windows of 1e-300.
// Oracle: InputError is the only exception; no line is counted in more windows than size / step
// allows (+1 at a boundary); a count window holds at most `size` keys.
#include <cmath>
#include <string>
#include <string_view>

#include "engine/config/run_config.h"
#include "engine/data/dataset.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::size_t cut = text.find("\n%%\n");
    if (cut == std::string_view::npos) return 0;
    const std::string yamlPath = fuzz::writeInput(data, cut + 1, "windows.yaml"); // a copy: the next call reuses it
    const std::string_view log = text.substr(cut + 4);
    const std::string logPath = fuzz::writeInput(data + cut + 4, log.size(), "windows.log");

    logbert::ConfigSources sources;
    sources.runFile = yamlPath;
    logbert::RunConfig config;
    if (!fuzz::expectInputErrorsOnly([&] { config = logbert::loadRunConfig(sources); })) return 0;
    logbert::DataConfig& d = config.data;
    if (d.sessionRule == logbert::SessionRule::Identifier) return 0; // structured_csv's and log_format's ground
    d.inputs = {{logPath, logbert::InputKind::Raw}};
    if (d.labelSource == logbert::LabelSource::File) d.labelSource = logbert::LabelSource::None; // no other files

    // A line ends at \n, \r or the end: the reader's count can only be lower.
    std::size_t lines = 1;
    for (char c : log) lines += c == '\n' || c == '\r';
    const double step = d.windowStep > 0 ? d.windowStep : d.windowSize;
    const double perLine = std::floor(d.windowSize / step) + 1;
    fuzz::expectInputErrorsOnly([&] {
        const logbert::Dataset dataset = logbert::buildDataset(d);
        double keys = 0;
        for (const auto& s : dataset.sessions) {
            keys += double(s.keys.size());
            fuzz::check(s.lines.size() == s.keys.size(), "one line reference per key");
            if (d.sessionRule == logbert::SessionRule::CountWindow)
                fuzz::check(double(s.keys.size()) <= d.windowSize, "a count window holds at most size keys");
        }
        fuzz::check(keys <= double(lines) * perLine, "no line is in more windows than size / step allows");
    });
    return 0;
}
