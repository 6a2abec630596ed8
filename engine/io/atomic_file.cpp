// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace logbert {

namespace {
std::string uniqueTempPath(const std::string& path) {
    static std::atomic<unsigned> counter{0};
    return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void syncFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}
} // namespace

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), tempPath_(uniqueTempPath(path_)),
      out_(tempPath_, std::ios::binary | std::ios::trunc) {
    if (!out_) throw std::runtime_error(path_ + ": cannot create: " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
    if (!committed_) {
        out_.close();
        std::remove(tempPath_.c_str());
    }
}

void AtomicFile::commit() {
    out_.flush();
    if (!out_) throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
    out_.close();
    if (out_.fail()) throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
    syncFile(tempPath_);
    if (std::rename(tempPath_.c_str(), path_.c_str()) != 0)
        throw std::runtime_error(path_ + ": cannot rename into place: " + std::strerror(errno));
    committed_ = true;
}

void writeFileAtomically(const std::string& path, const std::string& content) {
    AtomicFile f(path);
    f.stream() << content;
    f.commit();
}

int removeStaleTempFiles(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    int removed = 0;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.find(".tmp-") != std::string::npos && it->is_regular_file(ec) && fs::remove(it->path(), ec)) ++removed;
    }
    return removed;
}

} // namespace logbert
