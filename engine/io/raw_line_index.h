// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/core/job.h"

namespace logbert {

/// One raw log line, as the session inspector and the report show it.
struct RawLine {
    std::uint32_t number = 0; ///< 1-based, as in LineRef
    std::string text;         ///< without its line ending, cut to the length asked for
    bool cut = false;         ///< the line was longer
};

/// Reads chosen lines of log files for display, fast on multi-GB logs: it remembers where every
/// 4096th line of a plain file starts, so after one pass a read seeks close to the first wanted
/// line instead of scanning from the beginning (gzip files cannot seek and are always scanned).
/// Line numbers mean what LineReader's mean. Safe to use from several threads.
class RawLineIndex {
public:
    static constexpr std::uint32_t kStride = 4096;

    /// The lines `numbers` of `path` that exist, in ascending order, each cut to `maxBytes`.
    /// Throws InputError when the file cannot be read, Cancelled when `control` says so.
    std::vector<RawLine> read(const std::string& path, std::vector<std::uint32_t> numbers, std::size_t maxBytes = 4096,
                              const JobControl& control = {});

private:
    std::mutex mutex_;
    std::map<std::string, std::vector<std::uint64_t>> starts_; ///< byte offset of line 1 + k * kStride
};

} // namespace logbert
