// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

/// How long an idle OpenMP thread spins before it sleeps. libgomp's default spins ~300,000
/// rounds after every parallel region; a training step runs hundreds of small regions, and on a
/// busy machine those spins take the CPU from the thread everyone waits for (2 threads beside one
/// busy program: 34 seq/s against 57 with 1 thread; with 10,000 rounds 54, idle speed unchanged;
/// README "Training speed"). libgomp reads its settings when it is loaded, before main(), so the
/// executables set them from `.preinit_array` (startup_defaults.cpp); a value the user
/// put in the environment (OMP_WAIT_POLICY or GOMP_SPINCOUNT) always wins.
inline constexpr const char* kOpenMpSpinCount = "10000";
/// Set (to the variable's name) in the environment when the program chose the wait policy.
inline constexpr const char* kOpenMpDefaultsMarker = "LOGBERT_OPENMP_DEFAULTS";

/// One line for `logbert info` and run headers: what the OpenMP wait policy is and who set it.
std::string openMpWaitPolicyNote();

} // namespace logbert
