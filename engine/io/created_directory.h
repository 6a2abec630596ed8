// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

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

private:
    std::string path_;
    bool created_ = false, kept_ = false;
    int cleanup_ = -1;
};

} // namespace logbert
