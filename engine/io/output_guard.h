// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace logbert {

/// What a command's outputs must never replace, checked before it reads or writes anything: its
/// own inputs (the same file by any path or link, or a file inside an input folder), the files of
/// protected folders (the run folder it reads), and — unless `force` — anything that exists.
struct OutputRules {
    std::vector<std::string> inputs;
    std::vector<std::string> protectedFolders;
    bool force = false; ///< `--force`: existing outputs may be replaced (never inputs or protected files)
};

/// A file the command creates or replaces (`flag` names the option in messages); InputError.
void checkOutputFile(const std::string& path, const OutputRules& rules, const std::string& flag);

/// A folder the command writes `names` into: refused when it exists and holds anything (unless
/// `force`), and when any of those files is an input or protected; InputError.
void checkOutputFolder(const std::string& dir, const std::vector<std::string>& names, const OutputRules& rules,
                       const std::string& flag);

} // namespace logbert
