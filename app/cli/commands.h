// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/job.h"
#include "engine/data/dataset.h"

namespace logbert::cli {

/// Each command returns the process exit code; InputErrors propagate to main (exit code 2).
int parseCommand(const std::vector<std::string>& args, const JobControl& job);
int datasetCommand(const std::vector<std::string>& args, const JobControl& job);
int demoCommand(const std::vector<std::string>& args, const JobControl& job);
int infoCommand(const std::vector<std::string>& args);
int trainCommand(const std::vector<std::string>& args, const JobControl& job);
int evaluateCommand(const std::vector<std::string>& args, const JobControl& job);
int detectCommand(const std::vector<std::string>& args, const JobControl& job);

class Arguments;

/// Evaluates a trained run (rebuilding its dataset when none is given), writes results.json and
/// scores.csv, and prints the table (or the JSON). Thresholds given in `thresholdArgs`
/// (--miss-ratio, --top-g, --end-g, --distance) replace the validation choice in what is printed,
/// and nothing is written.
int runEvaluation(const std::string& runDir, std::shared_ptr<const Dataset> dataset, const JobControl& job, bool json,
                  double projectNormals = 0, const Arguments* thresholdArgs = nullptr);

} // namespace logbert::cli
