// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_folder.h"

namespace logbert {

/// What the run history and the comparison of runs show about one run folder, read from its
/// files (no model loaded): run.json, metrics.csv, resources.csv, config.yaml and, when evaluated, results.json.
struct RunSummary {
    std::string runDir;
    std::string name; ///< run_name.h: the user's name for it, or its folder's
    RunInfo info;
    std::vector<MetricsRow> metrics;
    std::vector<ResourceRow> resources; ///< resources.csv, the training process's own samples
    std::string resourcesError;         ///< why resources.csv could not be read ("" when it could or is absent)
    /// Every config value as "section.key" -> text, in file order (lists as flow YAML).
    std::vector<std::pair<std::string, std::string>> config;
    bool evaluated = false;
    double precision = 0, recall = 0, f1 = 0, fpr = 0; ///< LogBERT on the test split
    /// Each detector of results.json on the test split: LogBERT, the baselines, the combined rule.
    struct Detector {
        std::string key, name;
        double precision = 0, recall = 0, f1 = 0, fpr = 0;
    };
    std::vector<Detector> detectors;
    std::string verdict;
};

/// Reads a run folder; InputError when it is not one. Without `withLogs`, metrics and resources
/// stay empty (for a caller that follows those files itself: RunFolderTail).
RunSummary loadRunSummary(const std::string& runDir, bool withLogs = true);

/// The run folders directly inside `folder` (those with a config.yaml), newest first.
std::vector<std::string> listRunFolders(const std::string& folder);

} // namespace logbert
