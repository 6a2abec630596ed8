// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/run_summary.h"

#include <algorithm>
#include <filesystem>
#include <yaml-cpp/yaml.h>

#include "engine/config/yaml_limits.h"
#include "engine/core/errors.h"
#include "engine/training/run_name.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {
void flatten(const YAML::Node& node, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
    if (node.IsMap()) {
        for (const auto& kv : node)
            flatten(kv.second, prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar(), out);
        return;
    }
    YAML::Emitter e;
    e << YAML::Flow << node;
    out.emplace_back(prefix, e.c_str());
}
} // namespace

RunSummary loadRunSummary(const std::string& runDir, bool withLogs) {
    RunSummary s;
    s.runDir = runDir;
    s.name = runName(runDir);
    const std::string config = runFilePath(runDir, run_files::kConfig);
    std::error_code ec;
    if (!fs::exists(config, ec)) throw InputError(runDir, 0, "not a run folder (no config.yaml)");
    try {
        flatten(loadConfigYaml(config, "config.yaml"), "", s.config);
    } catch (const YAML::Exception& e) {
        throw InputError(config, long(e.mark.line) + 1, "malformed config.yaml: " + e.msg);
    }
    if (fs::exists(runFilePath(runDir, run_files::kRunInfo), ec)) s.info = RunInfo::load(runDir);
    if (withLogs && fs::exists(runFilePath(runDir, run_files::kMetrics), ec))
        s.metrics = MetricsLog::load(runFilePath(runDir, run_files::kMetrics)).rows();
    if (withLogs && fs::exists(runFilePath(runDir, run_files::kResources), ec)) {
        try { // a run without its resource samples is still a run
            s.resources = ResourceLog::load(runFilePath(runDir, run_files::kResources)).rows();
        } catch (const InputError& e) {
            s.resourcesError = e.what();
        }
    }
    const std::string results = runFilePath(runDir, run_files::kResults);
    if (fs::exists(results, ec)) {
        try {
            const YAML::Node root = loadConfigYaml(results, "results.json"); // JSON is YAML
            const YAML::Node l = root["logbert"];
            s.precision = l["precision"].as<double>();
            s.recall = l["recall"].as<double>();
            s.f1 = l["f1"].as<double>();
            s.fpr = l["fpr"].as<double>();
            if (root["verdict"]) s.verdict = root["verdict"].as<std::string>();
            auto detector = [&](const std::string& key, const YAML::Node& n) {
                if (!n || !n.IsMap()) return;
                s.detectors.push_back({key, n["name"] ? n["name"].as<std::string>() : key, n["precision"].as<double>(),
                                       n["recall"].as<double>(), n["f1"].as<double>(), n["fpr"].as<double>()});
            };
            detector("logbert", l);
            // Older results.json may lack a section: what is there is shown.
            if (const YAML::Node b = root["baselines"]; b && b.IsMap())
                for (const char* key : {"unseen_key", "unseen_key_set", "next_key"}) detector(key, b[key]);
            if (const YAML::Node v = root["variants"]; v && v.IsMap()) detector("combined", v["combined"]);
            s.evaluated = true;
        } catch (const YAML::Exception& e) {
            throw InputError(results, long(e.mark.line) + 1, "malformed results.json: " + e.msg);
        }
    }
    return s;
}

std::vector<std::string> listRunFolders(const std::string& folder) {
    std::vector<std::pair<fs::file_time_type, std::string>> runs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!entry.is_directory(ec)) continue;
        const fs::path config = entry.path() / run_files::kConfig;
        if (fs::exists(config, ec)) runs.emplace_back(fs::last_write_time(config, ec), entry.path().string());
    }
    std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (auto& r : runs) out.push_back(std::move(r.second));
    return out;
}

} // namespace logbert
