// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

/// The name a user gave a run (Compare › Rename), kept in the run folder's name.txt so that it
/// travels with the folder; the folder's own name when none was given. Training never writes
/// name.txt, so a run may be renamed while another process trains it.
std::string runName(const std::string& runDir);

/// Names the run: one line of at most kMaxRunNameBytes of UTF-8, no control characters; an empty
/// name (after trimming) gives the run its folder's name back. InputError for a bad name or a
/// folder that is not a run (no config.yaml).
void renameRun(const std::string& runDir, const std::string& name);

inline constexpr std::size_t kMaxRunNameBytes = 120;

} // namespace logbert
