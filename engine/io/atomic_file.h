// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fstream>
#include <string>

namespace logbert {

/// Writes a file so that readers only ever see the old content or the complete new content:
/// the data goes to a temporary file beside the target, which commit() flushes and renames over
/// the target. Destroying an uncommitted AtomicFile removes the temporary file, so a failure or
/// an exception leaves nothing partial on disk.
class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() { return out_; }
    const std::string& path() const { return path_; }
    /// Flushes, syncs and renames into place. Throws std::runtime_error on any I/O failure.
    void commit();

private:
    std::string path_;
    std::string tempPath_;
    std::ofstream out_;
    bool committed_ = false;
    int cleanup_ = -1; ///< ExitCleanup handle of the temporary file
};

/// Writes `content` to `path` atomically.
void writeFileAtomically(const std::string& path, const std::string& content);

/// Removes the temporary files that killed writers left in `dir` (`.name.logbert-tmp-PID-N`, a
/// name only AtomicFile makes, of a process that no longer runs); they never hold a complete
/// file. Any other file is left alone. Returns how many were removed.
int removeStaleTempFiles(const std::string& dir);

} // namespace logbert
