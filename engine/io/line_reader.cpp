// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/line_reader.h"

#include <algorithm>

#include <cstring>
#include <filesystem>
#include <zlib.h>

#include "engine/core/errors.h"
#include "engine/io/file_list.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {
constexpr std::size_t kChunk = std::size_t(1) << 20;
}

LineReader::LineReader(const std::string& path) : path_(path) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) throw InputError(path, 0, missingPathReason(path));
    if (fs::is_directory(status)) throw InputError(path, 0, "is a directory; expected a log file");
    fileSize_ = fs::file_size(path, ec);
    if (ec) throw InputError(path, 0, "cannot read the file size: " + ec.message());
    if (fileSize_ == 0) throw InputError(path, 0, "file is empty; expected log lines");

    // zlib reads plain files transparently, so one code path serves both.
    gz_ = gzopen(path.c_str(), "rb");
    if (!gz_) throw InputError(path, 0, std::string("cannot open: ") + std::strerror(errno));
    // Buffers sized to the file: many small files (and fuzzing) should not cost megabytes each.
    gzbuffer(static_cast<gzFile>(gz_), unsigned(std::clamp<std::uint64_t>(fileSize_, 8192, 256 * 1024)));
    gzip_ = gzdirect(static_cast<gzFile>(gz_)) == 0;
    std::size_t initial = 4096;
    while (initial < 2 * kChunk && initial < fileSize_ * (gzip_ ? 4 : 1) + 1) initial *= 2;
    buffer_.resize(initial);
}

LineReader::~LineReader() {
    if (gz_) gzclose(static_cast<gzFile>(gz_));
}

std::uint64_t LineReader::compressedBytesRead() const {
    return gz_ ? std::uint64_t(gzoffset(static_cast<gzFile>(gz_))) : fileSize_;
}

bool LineReader::fill() {
    if (eof_) return false;
    // Move the unread tail to the front, grow if a single line fills the buffer.
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (buffer_.size() - end_ < std::min(kChunk, buffer_.size() / 2)) {
        // The unread bytes are one unfinished line: refuse it before it takes more memory.
        if (end_ >= kMaxLineBytes)
            throw InputError(path_, long(lineNumber_ + 1),
                             "line is longer than " + std::to_string(kMaxLineBytes >> 20) +
                                 " MiB; expected a text log with one record per line");
        buffer_.resize(std::min(buffer_.size() * 2, kMaxLineBytes + kChunk));
    }
    auto* gz = static_cast<gzFile>(gz_);
    int n = gzread(gz, buffer_.data() + end_, unsigned(buffer_.size() - end_));
    if (n < 0) {
        int code = 0;
        const char* msg = gzerror(gz, &code);
        throw InputError(path_, long(lineNumber_ + 1),
                         std::string("cannot read (") + (msg ? msg : "read error") + ")");
    }
    if (n == 0) {
        int code = 0;
        gzerror(gz, &code);
        // Z_BUF_ERROR: the input ended in the middle of a gzip stream.
        if (gzip_ && code != Z_OK && code != Z_STREAM_END)
            throw InputError(path_, long(lineNumber_ + 1), "gzip stream is truncated or corrupt");
        std::error_code ec;
        if (const auto now = std::filesystem::file_size(path_, ec); !ec && now < fileSize_) shrankTo_ = now + 1;
        eof_ = true;
        return false;
    }
    if (!checkedBinary_) {
        checkedBinary_ = true;
        std::size_t probe = std::min<std::size_t>(std::size_t(n), 8192);
        if (const void* nul = std::memchr(buffer_.data() + end_, 0, probe)) {
            auto offset = static_cast<const char*>(nul) - (buffer_.data() + end_);
            throw InputError(path_, 0,
                             "looks like a binary file (NUL byte at offset " +
                                 std::to_string(offset) + "); expected a text log");
        }
    }
    // NUL bytes past the binary check, once per chunk: the bytes before end_ hold no line break
    // (fill runs when the buffered tail is one unfinished line), so the line is counted from here.
    if (firstNulLine_ == 0)
        if (const void* nul = std::memchr(buffer_.data() + end_, 0, std::size_t(n)))
            firstNulLine_ = lineNumber_ + 1 +
                            std::uint64_t(std::count(static_cast<const char*>(buffer_.data() + end_), static_cast<const char*>(nul), '\n'));
    end_ += std::size_t(n);
    return true;
}

// The first line only: a carriage return inside it means lines end in CR alone.
void LineReader::notice(std::string_view line) {
    if (lineNumber_ == 1 && line.find('\r') != std::string_view::npos) crOnly_ = true;
}

std::vector<std::string> LineReader::warnings() const {
    std::vector<std::string> out;
    if (crOnly_)
        out.push_back(path_ + ":1: the first line holds carriage returns: the file seems to end its lines in CR alone "
                              "(classic Mac OS) and was read as one line; convert it with: tr '\\r' '\\n'");
    if (shrankTo_)
        out.push_back(path_ + ": shrank from " + std::to_string(fileSize_) + " to " + std::to_string(shrankTo_ - 1) +
                      " bytes while it was read (truncated or rotated?); what was read may end in the middle");
    if (firstNulLine_)
        out.push_back(path_ + ":" + std::to_string(firstNulLine_) +
                      ": NUL bytes from this line on (past the first 8 KB, which looked like text); the file may be "
                      "partly binary or damaged; the lines were read as they are");
    return out;
}

bool LineReader::next(std::string_view& line) {
    for (;;) {
        const char* start = buffer_.data() + begin_;
        std::size_t avail = end_ - begin_;
        if (const void* nl = std::memchr(start, '\n', avail)) {
            std::size_t len = static_cast<const char*>(nl) - start;
            begin_ += len + 1;
            if (len > 0 && start[len - 1] == '\r') --len;
            line = std::string_view(start, len);
            ++lineNumber_;
            notice(line);
            return true;
        }
        if (!fill()) {
            if (begin_ == end_) return false;
            // Last line without a final newline.
            std::size_t len = end_ - begin_;
            const char* s = buffer_.data() + begin_;
            begin_ = end_;
            if (len > 0 && s[len - 1] == '\r') --len;
            line = std::string_view(s, len);
            ++lineNumber_;
            notice(line);
            return true;
        }
    }
}

} // namespace logbert
