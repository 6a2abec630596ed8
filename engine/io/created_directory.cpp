// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/created_directory.h"

#include <filesystem>

#include "engine/core/errors.h"
#include "engine/io/atomic_file.h"
#include "engine/io/exit_cleanup.h"

namespace logbert {
namespace fs = std::filesystem;

CreatedDirectory::CreatedDirectory(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    if (fs::exists(path_, ec)) {
        if (!fs::is_directory(path_, ec)) throw InputError(path_, 0, "exists and is not a directory; expected an output folder");
        return;
    }
    fs::create_directories(path_, ec);
    if (ec) throw InputError(path_, 0, "cannot create the output folder: " + ec.message());
    created_ = true;
    cleanup_ = ExitCleanup::remember(fs::absolute(path_, ec).string(), true);
}

CreatedDirectory::~CreatedDirectory() {
    // Removed first, forgotten after: a hard exit in between still removes the folder.
    std::error_code ec;
    if (created_ && !kept_) fs::remove_all(path_, ec);
    ExitCleanup::forget(cleanup_);
}

void CreatedDirectory::commitAndKeep(const std::vector<AtomicFile*>& files) {
    // While they are renamed into place the committed files are registered too, so that a hard
    // exit removes them before its rmdir of the folder. Forgotten before keep(): from then on the
    // rmdir fails on a folder that holds every file.
    std::vector<int> handles;
    std::error_code ec;
    if (created_)
        for (const AtomicFile* f : files) handles.push_back(ExitCleanup::remember(fs::absolute(f->path(), ec).string(), false));
    try {
        for (AtomicFile* f : files) f->commit();
    } catch (...) {
        for (int h : handles) ExitCleanup::forget(h);
        throw; // the destructor removes the folder
    }
    for (int h : handles) ExitCleanup::forget(h);
    keep();
}

void CreatedDirectory::keep() {
    kept_ = true;
    ExitCleanup::forget(cleanup_);
    cleanup_ = -1;
}

} // namespace logbert
