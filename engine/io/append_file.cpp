// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace logbert {

namespace {
std::runtime_error failure(const std::string& path, const char* what) {
    return std::runtime_error(path + ": cannot " + what + ": " + std::strerror(errno));
}

void writeAll(int fd, const std::string& path, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw failure(path, "append");
        data += n;
        size -= std::size_t(n);
    }
}
} // namespace

AppendFile::AppendFile(std::string path, std::string_view header) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) throw failure(path_, "open for appending");
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error(path_ + ": cannot append: not a regular file");
    }
    if (st.st_size == 0) appendLine(header);
}

AppendFile::~AppendFile() {
    if (fd_ >= 0) ::close(fd_);
}

void AppendFile::appendLine(std::string_view line) {
    std::string whole;
    whole.reserve(line.size() + 1);
    whole.append(line).push_back('\n');
    writeAll(fd_, path_, whole.data(), whole.size()); // one write: readers see whole lines
}

void AppendFile::sync() {
#ifdef __APPLE__
    if (::fsync(fd_) != 0) throw failure(path_, "sync");
#else
    if (::fdatasync(fd_) != 0) throw failure(path_, "sync");
#endif
}

} // namespace logbert
