// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace logbert {

/// Expands paths into the list of files to read: a file stands for itself, a directory for the
/// regular, non-hidden files under it (recursively), sorted by path. max_files > 0 keeps the
/// first max_files of the whole list. A missing path is an InputError.
std::vector<std::string> expandInputPaths(const std::vector<std::string>& paths, int maxFiles);

/// Why a path that cannot be stat'ed is unusable, for a message: a symbolic link loop, a link
/// to nothing, a folder that may not be read, or plain "no such file or directory".
std::string missingPathReason(const std::string& path);

} // namespace logbert
