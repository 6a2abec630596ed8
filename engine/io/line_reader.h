// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace logbert {

/// Streams the lines of one text file, plain or gzip (detected by its magic bytes), without
/// holding the file in memory. LF and CRLF endings and a missing final newline are handled; bytes
/// are passed through unchanged, so invalid UTF-8 is tolerated. Errors (missing, empty, binary or
/// truncated file, a line over the length limit) are InputErrors naming the file and line.
class LineReader {
public:
    static constexpr std::size_t kMaxLineBytes = std::size_t(64) << 20;

    explicit LineReader(const std::string& path);
    ~LineReader();
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    /// Next line without its line ending; valid until the next call. False at the end.
    bool next(std::string_view& line);

    std::uint64_t lineNumber() const { return lineNumber_; } ///< 1-based number of the last line
    /// What the reader noticed in text it accepted, for a warning: the first line holding a NUL
    /// byte past the first 8 KB (which the binary check reads), and whether the first line holds
    /// a carriage return inside it (the file breaks lines with CR alone). 0 / false otherwise.
    std::uint64_t firstLineWithNul() const { return firstNulLine_; }
    bool carriageReturnsOnly() const { return crOnly_; }
    /// The warnings those make ("FILE:LINE: …"), empty when there is none.
    std::vector<std::string> warnings() const;
    std::uint64_t compressedBytesRead() const;               ///< for progress against fileSize()
    std::uint64_t fileSize() const { return fileSize_; }
    bool isGzip() const { return gzip_; }
    const std::string& path() const { return path_; }

private:
    bool fill();

    std::string path_;
    void* gz_ = nullptr; // gzFile, kept opaque so zlib.h stays out of this header
    bool gzip_ = false;
    bool eof_ = false;
    bool checkedBinary_ = false;
    std::uint64_t fileSize_ = 0;
    std::uint64_t lineNumber_ = 0;
    std::uint64_t firstNulLine_ = 0;
    bool crOnly_ = false;
    std::uint64_t shrankTo_ = 0; ///< 1 + the size found at the end, when smaller than at the start
    void notice(std::string_view line);
    std::vector<char> buffer_;
    std::size_t begin_ = 0; // unread data is buffer_[begin_, end_)
    std::size_t end_ = 0;
};

} // namespace logbert
