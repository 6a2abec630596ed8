// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace logbert {

/// Follows a text file that another process appends whole lines to (AppendFile), the way
/// `tail -F` does: each read() returns the complete lines added since the last one and reads only
/// the new bytes from disk. When the file was replaced (another inode: an atomic rewrite, a
/// resumed run) or shrank, read() says Restarted and returns its lines from the top. A last line
/// without its newline waits until its end arrives. Only regular files are read (a FIFO or a
/// device is refused, never waited on), and at most `maxBytesPerRead` per call, so that a huge
/// file costs its caller one bounded slice at a time.
class FileTail {
public:
    static constexpr std::size_t kMaxLineBytes = std::size_t(1) << 20;
    enum class Result { Unchanged, Appended, Restarted, Missing };

    explicit FileTail(std::string path, std::size_t maxBytesPerRead = std::size_t(8) << 20);

    /// New complete lines (line endings removed) in `lines`, which is cleared first.
    /// InputError naming the file for a non-regular file or a line over kMaxLineBytes.
    Result read(std::vector<std::string>& lines);

    /// 1-based line number of the first line the last read() returned.
    std::uint64_t firstLineNumber() const { return firstLine_; }
    /// True when the last read() reached the end of the file (nothing left beyond the slice).
    bool atEnd() const { return atEnd_; }
    /// Bytes read from disk since construction (restarts included): what following costs.
    std::uint64_t bytesRead() const { return bytesRead_; }
    const std::string& path() const { return path_; }

private:
    void restart();

    std::string path_;
    std::size_t maxBytes_;
    bool known_ = false; // a file was seen: dev_/ino_ name it
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    std::uint64_t consumed_ = 0; // bytes of complete lines handed out
    std::string pending_;        // bytes after them: a line still being written
    std::uint64_t lines_ = 0, firstLine_ = 1;
    std::uint64_t bytesRead_ = 0;
    bool atEnd_ = true;
};

} // namespace logbert

namespace logbert {

/// Every complete line of `path` with its 1-based number, read through a FileTail: a last line
/// without its newline (a writer caught mid-line) is left out. InputError when the file is missing.
void forEachCompleteLine(const std::string& path, const std::function<void(std::string_view line, long number)>& onLine);

/// `line` split at commas (the project's own CSV logs never quote a field).
std::vector<std::string_view> splitPlainCsv(std::string_view line);

/// Index of `name` among the header's fields (case-insensitive), or -1.
int findCsvColumn(const std::vector<std::string_view>& header, std::string_view name);

} // namespace logbert
