// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>

namespace logbert {

/// One writer per run folder: an advisory lock (flock) on RUN/.logbert.lock, held by whatever
/// writes the folder — training, a resume, an evaluation saving its results. The file names its
/// owner (program, pid, host, since when) for the message a second writer gets. The lock dies with
/// its process, so a killed run leaves no stale lock: the file may remain, unlocked, and the next
/// writer takes it over. Readers (the workbench following a run, `detect`) never take it.
/// On network filesystems without flock support the lock is only as good as the server's.
class RunFolderLock {
public:
    static constexpr const char* kFileName = ".logbert.lock";

    /// Takes the lock of an existing folder; InputError naming the owner when another process
    /// holds it. `purpose` says what this process does there ("train", "evaluate").
    RunFolderLock(const std::string& runDir, const std::string& purpose);
    /// Makes the new folder `runDir` with the lock already held inside, so that no reader ever sees
    /// a new run folder without its writer (a follower would call it "not a run"): the folder is
    /// built under a hidden name beside it (".NAME.logbert-new-XXXXXX", a name only this program
    /// makes) and renamed into place. nullptr when `runDir` exists already, or appeared meanwhile
    /// with something in it: lock it as it is.
    static std::unique_ptr<RunFolderLock> createFolder(const std::string& runDir, const std::string& purpose);
    /// Releases the lock and removes the file.
    ~RunFolderLock();
    RunFolderLock(const RunFolderLock&) = delete;
    /// Who writes `runDir` now ("logbert train (pid 41 on host, since …)"), or "" when nobody does.
    /// A reader's probe: it holds a shared lock for a moment, never blocks, and a writer starting
    /// at that moment waits for it instead of failing. A lock this process holds counts too.
    static std::string holder(const std::string& runDir);
    RunFolderLock& operator=(const RunFolderLock&) = delete;

private:
    std::string path_;
    int fd_ = -1;
};

} // namespace logbert
