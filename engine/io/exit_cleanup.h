// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

/// What a process that must stop at once (a second Ctrl-C, whose handler cannot unwind the
/// stack) still removes: the temporary files of writes in progress and the folders a command
/// created for its output. AtomicFile and CreatedDirectory register themselves; the CLI's signal
/// handler calls removeRegisteredPaths() before _Exit. Registration is lock-free and the removal
/// uses unlink and rmdir only, so both are safe against a signal arriving at any moment.
class ExitCleanup {
public:
    /// `directory`: removed with rmdir (only when empty, i.e. after its registered files).
    /// Returns a handle for forget(), or -1 when the table is full (the path is then not removed).
    static int remember(const std::string& path, bool directory);
    static void forget(int handle);
    /// Async-signal-safe: files first, then folders, newest first.
    static void removeRegisteredPaths() noexcept;
};

} // namespace logbert
