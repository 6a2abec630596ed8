// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/output_guard.h"

#include <filesystem>

#include <unistd.h>

#include "engine/core/errors.h"

namespace logbert {
namespace fs = std::filesystem;
namespace {

/// True when `path` is `folder` or lies below it (both resolved, links followed).
bool isInside(const fs::path& path, const fs::path& folder) {
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(path, ec);
    if (ec) return false;
    const fs::path f = fs::weakly_canonical(folder, ec);
    if (ec) return false;
    auto pi = p.begin();
    for (auto fi = f.begin(); fi != f.end(); ++fi, ++pi)
        if (pi == p.end() || *pi != *fi) return false;
    return true;
}

void checkAgainstInputs(const std::string& path, const OutputRules& rules, const std::string& flag) {
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    for (const auto& input : rules.inputs) {
        if (exists && fs::equivalent(path, input, ec))
            throw InputError(flag, 0, path + " is an input of this command; choose another output");
        // (An output inside an input folder would also be read as input next time.)
        if (fs::is_directory(input, ec) && isInside(path, input))
            throw InputError(flag, 0, path + " is inside the input folder " + input + "; choose another output");
    }
    for (const auto& folder : rules.protectedFolders)
        if (isInside(path, folder))
            throw InputError(flag, 0, path + " is inside the run folder " + folder +
                                          ", whose files only training and evaluation write; choose another output");
}

} // namespace

void checkOutputFile(const std::string& path, const OutputRules& rules, const std::string& flag) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw InputError(flag, 0, path + " is a folder; expected the path of a file to write");
    checkAgainstInputs(path, rules, flag);
    // Found out now, not after the work: the folder it goes into must exist and take files.
    const fs::path parent = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) throw InputError(flag, 0, "the folder " + parent.string() + " of " + path + " does not exist");
    if (::access(parent.c_str(), W_OK) != 0) throw InputError(flag, 0, "cannot write into " + parent.string() + " (no permission or read-only)");
    if (!rules.force && fs::exists(fs::symlink_status(path, ec)))
        throw InputError(flag, 0, path + " exists; choose a new file, or give --force to replace it");
}

void checkOutputFolder(const std::string& dir, const std::vector<std::string>& names, const OutputRules& rules,
                       const std::string& flag) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) throw InputError(flag, 0, dir + " exists and is not a folder; expected an output folder");
        if (!rules.force && !fs::is_empty(dir, ec))
            throw InputError(flag, 0, dir + " is not empty; choose a new or empty folder, or give --force to write into it");
        // Found out now, not when the first output is written after the work (exit 1 then).
        if (::access(dir.c_str(), W_OK) != 0) throw InputError(flag, 0, "cannot write into " + dir + " (no permission or read-only)");
    }
    for (const auto& folder : rules.protectedFolders)
        if (isInside(dir, folder))
            throw InputError(flag, 0, dir + " is inside the run folder " + folder + "; choose another output");
    for (const auto& name : names) checkAgainstInputs((fs::path(dir) / name).string(), rules, flag);
}

} // namespace logbert
