// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "engine/core/job.h"

namespace logbert::cli {

/// Each command returns the process exit code; InputErrors propagate to main (exit code 2).
int parseCommand(const std::vector<std::string>& args, const JobControl& job);
int datasetCommand(const std::vector<std::string>& args, const JobControl& job);
int demoCommand(const std::vector<std::string>& args, const JobControl& job);
int infoCommand(const std::vector<std::string>& args);

} // namespace logbert::cli
