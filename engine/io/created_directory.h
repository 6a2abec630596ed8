// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace logbert {

class AtomicFile;

/// An output folder a command creates: removed again, with what the command wrote into it,
/// unless the command reaches keep() — on an error, a Ctrl-C (through the destructor) or a
/// second Ctrl-C (through ExitCleanup, once its files are gone). A folder that already existed
/// is used as it is and never removed. InputError when the path is a file or cannot be created.
class CreatedDirectory {
public:
    explicit CreatedDirectory(std::string path);
    ~CreatedDirectory();
    CreatedDirectory(const CreatedDirectory&) = delete;
    CreatedDirectory& operator=(const CreatedDirectory&) = delete;
    void keep();
    /// Commits `files` (written into this folder) and keeps the folder, as one step for a hard
    /// exit: a second Ctrl-C at any moment in it leaves either no folder (what was committed is
    /// removed with it) or the folder with every file whole — never some of them.
    void commitAndKeep(const std::vector<AtomicFile*>& files);

private:
    std::string path_;
    bool created_ = false, kept_ = false;
    int cleanup_ = -1;
};

} // namespace logbert
