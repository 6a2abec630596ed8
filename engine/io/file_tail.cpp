// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/file_tail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "engine/core/errors.h"

namespace logbert {

FileTail::FileTail(std::string path, std::size_t maxBytesPerRead)
    : path_(std::move(path)), maxBytes_(std::max<std::size_t>(maxBytesPerRead, 4096)) {}

void FileTail::restart() {
    consumed_ = 0;
    pending_.clear();
    lines_ = 0;
}

FileTail::Result FileTail::read(std::vector<std::string>& lines) {
    lines.clear();
    firstLine_ = lines_ + 1;
    atEnd_ = true;
    struct stat named {};
    if (::stat(path_.c_str(), &named) != 0) {
        const bool had = known_;
        known_ = false;
        restart();
        return had ? Result::Restarted : Result::Missing;
    }
    if (!S_ISREG(named.st_mode))
        throw InputError(path_, 0, "not a regular file; a run's logs are plain files (a FIFO or a device is not read)");
    // Replaced or cut: what we hold is no longer the file. The first sight of it counts too,
    // so that a caller starts from a clean slate whenever the rows begin at the top.
    bool restarted = !known_;
    const std::uint64_t size = std::uint64_t(named.st_size);
    if (known_ && (named.st_dev != dev_ || named.st_ino != ino_ || size < consumed_ + pending_.size())) {
        restart();
        restarted = true;
    }
    known_ = true;
    dev_ = named.st_dev;
    ino_ = named.st_ino;
    firstLine_ = lines_ + 1;
    const Result quiet = restarted ? Result::Restarted : Result::Unchanged;
    const std::uint64_t from = consumed_ + pending_.size();
    if (size <= from) return quiet;

    const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return quiet; // gone between stat and open: the next read sees it
    struct stat opened {};
    if (::fstat(fd, &opened) != 0 || opened.st_ino != ino_ || opened.st_dev != dev_ || !S_ISREG(opened.st_mode)) {
        ::close(fd);
        return quiet; // replaced meanwhile: the next read restarts
    }
    const std::size_t want = std::size_t(std::min<std::uint64_t>(size - from, maxBytes_));
    std::string chunk(want, '\0');
    std::size_t got = 0;
    while (got < want) {
        const ssize_t n = ::pread(fd, chunk.data() + got, want - got, off_t(from + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += std::size_t(n);
    }
    ::close(fd);
    chunk.resize(got);
    bytesRead_ += got;
    atEnd_ = from + got >= size;
    pending_ += chunk;

    std::size_t begin = 0;
    for (std::size_t nl; (nl = pending_.find('\n', begin)) != std::string::npos; begin = nl + 1) {
        std::size_t end = nl;
        if (end > begin && pending_[end - 1] == '\r') --end;
        lines.emplace_back(pending_, begin, end - begin);
    }
    consumed_ += begin;
    pending_.erase(0, begin);
    lines_ += lines.size();
    if (pending_.size() > kMaxLineBytes)
        throw InputError(path_, long(lines_ + 1), "line longer than 1 MiB: not a log this program wrote");
    if (restarted) return Result::Restarted;
    return lines.empty() ? Result::Unchanged : Result::Appended;
}

} // namespace logbert

namespace logbert {

void forEachCompleteLine(const std::string& path, const std::function<void(std::string_view, long)>& onLine) {
    FileTail tail(path);
    std::vector<std::string> lines;
    do {
        if (tail.read(lines) == FileTail::Result::Missing) throw InputError(path, 0, "cannot open: no such file");
        for (std::size_t i = 0; i < lines.size(); ++i) onLine(lines[i], long(tail.firstLineNumber() + i));
    } while (!tail.atEnd());
}

std::vector<std::string_view> splitPlainCsv(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t begin = 0;
    for (std::size_t comma; (comma = line.find(',', begin)) != std::string_view::npos; begin = comma + 1)
        fields.push_back(line.substr(begin, comma - begin));
    fields.push_back(line.substr(begin));
    return fields;
}

int findCsvColumn(const std::vector<std::string_view>& header, std::string_view name) {
    for (std::size_t c = 0; c < header.size(); ++c)
        if (header[c].size() == name.size() &&
            std::equal(name.begin(), name.end(), header[c].begin(),
                       [](char x, char y) { return std::tolower((unsigned char)x) == std::tolower((unsigned char)y); }))
            return int(c);
    return -1;
}

} // namespace logbert
