// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/run_name.h"

#include <filesystem>
#include <fstream>

#include "engine/core/errors.h"
#include "engine/core/utf8.h"
#include "engine/io/atomic_file.h"
#include "engine/training/run_folder.h"

namespace logbert {

namespace fs = std::filesystem;

namespace {
std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}
} // namespace

std::string runName(const std::string& runDir) {
    const fs::path file = fs::path(runDir) / run_files::kName;
    std::error_code ec;
    if (fs::is_regular_file(file, ec) && fs::file_size(file, ec) <= 4 * kMaxRunNameBytes) {
        std::ifstream in(file, std::ios::binary);
        std::string line;
        std::getline(in, line);
        line = trimmed(line);
        // A hand-edited file with anything a name may not hold is ignored, not shown.
        bool plain = !line.empty() && line.size() <= kMaxRunNameBytes && invalidUtf8Offset(line) == std::string::npos;
        for (unsigned char c : line) plain = plain && c >= 0x20 && c != 0x7f;
        if (plain) return line;
    }
    fs::path folder = fs::path(runDir).lexically_normal();
    if (!folder.has_filename()) folder = folder.parent_path(); // "runs/a/"
    return folder.filename().string();
}

void renameRun(const std::string& runDir, const std::string& name) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::path(runDir) / run_files::kConfig, ec))
        throw InputError(runDir, 0, "not a run folder (no config.yaml); expected a folder that training wrote");
    const std::string n = trimmed(name);
    const fs::path file = fs::path(runDir) / run_files::kName;
    if (n.empty()) {
        fs::remove(file, ec);
        if (ec) throw InputError(file.string(), 0, "cannot remove: " + ec.message());
        return;
    }
    if (n.size() > kMaxRunNameBytes)
        throw InputError("run name", 0, "is " + std::to_string(n.size()) + " bytes; expected at most " + std::to_string(kMaxRunNameBytes));
    if (invalidUtf8Offset(n) != std::string::npos) throw InputError("run name", 0, "is not valid UTF-8");
    for (unsigned char c : n)
        if (c < 0x20 || c == 0x7f) throw InputError("run name", 0, "holds a control character (a line break or a tab); expected one line of text");
    writeFileAtomically(file.string(), n + "\n");
}

} // namespace logbert
