// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace logbert {

/// A log file that grows by whole lines while its writer runs, so that another process can follow
/// it (FileTail): each line goes out in one write() in append mode, right away. A reader may catch
/// the last line half written (a full disk, power loss); FileTail waits for its end, and the loaders
/// ignore a last line without one. A new file starts with `header`.
class AppendFile {
public:
    AppendFile(std::string path, std::string_view header);
    ~AppendFile();
    AppendFile(const AppendFile&) = delete;
    AppendFile& operator=(const AppendFile&) = delete;

    /// Appends `line` and its newline. Throws std::runtime_error naming the file on failure.
    void appendLine(std::string_view line);
    /// Makes what was appended durable (before a checkpoint names it as done).
    void sync();
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

} // namespace logbert
