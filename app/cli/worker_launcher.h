// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace logbert::cli {

/// `logbert train --nproc N …` on one machine without torchrun: starts N copies of this program
/// with `args` and torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
/// MASTER_ADDR=127.0.0.1, MASTER_PORT = a free port), forwards Ctrl-C and SIGTERM to them once,
/// and when one fails stops the others. Returns 0 when every worker succeeded, 130 when they were
/// interrupted, otherwise the first failure's exit code (1 for a signal).
int launchLocalWorkers(int count, const std::vector<std::string>& args);

} // namespace logbert::cli
