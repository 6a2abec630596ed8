// SPDX-License-Identifier: GPL-3.0-or-later
// Run and preset YAML. Oracle: a config that loads saves (toYaml) into YAML that loads back
// into the same config.
#include <fstream>

#include "engine/config/run_config.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = fuzz::writeInput(data, size, "run.yaml");
    fuzz::expectInputErrorsOnly([&] { (void)logbert::isRunFile(path); });
    logbert::ConfigSources sources;
    sources.runFile = path;
    std::string yaml;
    if (!fuzz::expectInputErrorsOnly([&] { yaml = logbert::loadRunConfig(sources).toYaml(); })) return 0;
    const std::string again = fuzz::writeInput(reinterpret_cast<const std::uint8_t*>(yaml.data()), yaml.size(), "resolved.yaml");
    sources.runFile = again;
    std::string yaml2;
    try {
        yaml2 = logbert::loadRunConfig(sources).toYaml();
    } catch (const logbert::InputError& e) {
        std::fprintf(stderr, "%s\n--- resolved YAML ---\n%s\n", e.what(), yaml.c_str());
        fuzz::check(false, "the resolved YAML of a valid config loads");
    }
    if (yaml != yaml2) {
        std::size_t at = 0;
        while (at < yaml.size() && at < yaml2.size() && yaml[at] == yaml2[at]) ++at;
        const std::size_t from = at > 200 ? at - 200 : 0;
        std::fprintf(stderr, "resolved YAML differs at byte %zu:\n--- first ---\n%s\n--- again ---\n%s\n", at,
                     yaml.substr(from, 400).c_str(), yaml2.substr(from, 400).c_str());
    }
    fuzz::check(yaml == yaml2, "the resolved YAML loads into the same config");
    return 0;
}
