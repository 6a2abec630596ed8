// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/file_list.h"

#include <algorithm>
#include <filesystem>

#include "engine/core/errors.h"

namespace logbert {
namespace fs = std::filesystem;

std::string missingPathReason(const std::string& path) {
    std::error_code ec;
    (void)fs::status(path, ec); // only its error matters
    if (ec == std::errc::too_many_symbolic_link_levels) return "a symbolic link loop (too many levels of symbolic links)";
    if (ec == std::errc::permission_denied) return "cannot be reached: permission denied";
    std::error_code linkEc;
    if (fs::is_symlink(fs::symlink_status(path, linkEc))) return "a symbolic link to nothing";
    return "no such file or directory";
}

std::vector<std::string> expandInputPaths(const std::vector<std::string>& paths, int maxFiles) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
        std::error_code ec;
        auto st = fs::status(p, ec);
        if (ec || !fs::exists(st)) throw InputError(p, 0, missingPathReason(p));
        if (!fs::is_directory(st)) {
            files.push_back(p);
            continue;
        }
        std::vector<std::string> inDir;
        for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
             it.increment(ec)) {
            const auto name = it->path().filename().string();
            if (!name.empty() && name[0] == '.') {
                if (it->is_directory()) it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file()) inDir.push_back(it->path().string());
        }
        if (ec) throw InputError(p, 0, "cannot list the directory: " + ec.message());
        if (inDir.empty()) throw InputError(p, 0, "directory holds no files");
        std::sort(inDir.begin(), inDir.end());
        files.insert(files.end(), inDir.begin(), inDir.end());
    }
    if (maxFiles > 0 && files.size() > std::size_t(maxFiles)) files.resize(std::size_t(maxFiles));
    return files;
}

} // namespace logbert
