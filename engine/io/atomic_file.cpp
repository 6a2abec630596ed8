// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/atomic_file.h"

#include "engine/io/exit_cleanup.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <signal.h>
#include <unistd.h>

namespace logbert {

namespace {
constexpr const char* kTempMark = ".logbert-tmp-";

/// DIR/.NAME.logbert-tmp-PID-N: hidden, and a name no user file has (removeStaleTempFiles
/// removes only these).
std::string uniqueTempPath(const std::string& path) {
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path p(path);
    return (p.parent_path() / ("." + p.filename().string() + kTempMark + std::to_string(::getpid()) + "-" +
                               std::to_string(counter++)))
        .string();
}

/// The writer's pid when `name` is one of our temporary names, else 0.
long tempFileOwner(const std::string& name) {
    const auto mark = name.rfind(kTempMark);
    if (name.empty() || name[0] != '.' || mark == std::string::npos || mark < 2) return 0;
    const std::string rest = name.substr(mark + std::strlen(kTempMark));
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == rest.size()) return 0;
    for (std::size_t i = 0; i < rest.size(); ++i)
        if (i != dash && (rest[i] < '0' || rest[i] > '9')) return 0;
    return std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
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
    cleanup_ = ExitCleanup::remember(tempPath_, false);
}

AtomicFile::~AtomicFile() {
    if (!committed_) {
        out_.close();
        std::remove(tempPath_.c_str());
    }
    ExitCleanup::forget(cleanup_); // after the removal, so that a hard exit in between still removes it
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
    ExitCleanup::forget(cleanup_);
    cleanup_ = -1;
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
        const long owner = tempFileOwner(name);
        // Only ours, and only a dead writer's: a live one may still be writing it.
        const bool dead = owner > 0 && owner != ::getpid() && ::kill(pid_t(owner), 0) != 0 && errno == ESRCH;
        if (dead && it->is_regular_file(ec) && fs::remove(it->path(), ec)) ++removed;
    }
    return removed;
}

} // namespace logbert
