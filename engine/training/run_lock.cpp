// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "engine/core/errors.h"
#include "engine/training/run_folder.h"

namespace logbert {
namespace {

/// What the owner wrote into the lock file (one short line), for the message.
std::string ownerOf(int fd) {
    char buf[256] = {};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string text = n > 0 ? std::string(buf, std::size_t(n)) : std::string();
    text = text.substr(0, text.find('\n'));
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    return text.empty() ? "another process" : text;
}

std::string hostName() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) return "?";
    return host;
}

/// LOCK_EX, retried for a moment: a reader's probe (holder()) holds a shared lock for microseconds.
bool lockExclusively(int fd) {
    for (int attempt = 0;; ++attempt) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
        if (errno != EWOULDBLOCK || attempt == 20) return false;
        ::usleep(10000);
    }
}

} // namespace

std::string RunFolderLock::holder(const std::string& runDir) {
    const std::string path = runFilePath(runDir, kFileName);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return {};
    std::string owner;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) owner = ownerOf(fd);
    } else {
        ::flock(fd, LOCK_UN);
    }
    ::close(fd);
    return owner;
}

RunFolderLock::RunFolderLock(const std::string& runDir, const std::string& purpose)
    : path_(runFilePath(runDir, kFileName)) {
    // Retry when the file we locked was removed (its owner finished) before our lock landed: the
    // lock must be on the file the path names now, or two writers could each hold one.
    for (int attempt = 0; attempt < 100; ++attempt) {
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd_ < 0)
            throw InputError(runDir, 0, std::string("cannot lock the run folder (") + std::strerror(errno) +
                                            "); it must be a writable folder");
        if (!lockExclusively(fd_)) {
            const int error = errno;
            const std::string owner = ownerOf(fd_);
            ::close(fd_);
            fd_ = -1;
            if (error == EWOULDBLOCK)
                throw InputError(runDir, 0, "is in use by " + owner +
                                                "; one program writes a run folder at a time (reading it needs no lock)");
            throw InputError(runDir, 0, std::string("cannot lock the run folder: ") + std::strerror(error));
        }
        struct stat held {}, named {};
        if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev)
            break;
        ::close(fd_);
        fd_ = -1;
    }
    if (fd_ < 0) throw InputError(runDir, 0, "cannot lock the run folder: its lock file keeps changing");
    const std::string owner = "logbert " + purpose + " (pid " + std::to_string(::getpid()) + " on " + hostName() +
                              ", since " + isoTimeNow() + ")\n";
    if (::ftruncate(fd_, 0) == 0) {
        const ssize_t written = ::pwrite(fd_, owner.data(), owner.size(), 0);
        (void)written; // the owner line only improves a message; the lock is what matters
    }
}

std::unique_ptr<RunFolderLock> RunFolderLock::createFolder(const std::string& runDir, const std::string& purpose) {
    namespace fs = std::filesystem;
    fs::path target(runDir);
    if (!target.has_filename()) target = target.parent_path(); // "runs/new/"
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw InputError(runDir, 0, "cannot create the run folder: " + ec.message());
    std::string hidden = (parent / ("." + target.filename().string() + ".logbert-new-XXXXXX")).string();
    if (::mkdtemp(hidden.data()) != nullptr) {
        std::unique_ptr<RunFolderLock> lock;
        try {
            lock = std::make_unique<RunFolderLock>(hidden, purpose);
        } catch (...) {
            ::rmdir(hidden.c_str());
            throw;
        }
        // rename(2) replaces only an empty folder; ours holds the lock file, so a second writer's
        // rename onto it fails and that writer meets this lock instead.
        if (::rename(hidden.c_str(), target.c_str()) == 0) {
            lock->path_ = runFilePath(target.string(), kFileName);
            return lock;
        }
        const int error = errno;
        lock.reset();
        ::rmdir(hidden.c_str());
        if (error == EEXIST || error == ENOTEMPTY) return nullptr;
    }
    // No hidden sibling (a name near NAME_MAX, a parent we may not list): make it in place.
    if (!fs::create_directory(target, ec)) {
        if (!ec) return nullptr; // it exists
        throw InputError(runDir, 0, "cannot create the run folder: " + ec.message());
    }
    return std::make_unique<RunFolderLock>(target.string(), purpose);
}

RunFolderLock::~RunFolderLock() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str()); // while still holding it: the next writer re-checks the inode
    ::close(fd_);
}

} // namespace logbert
