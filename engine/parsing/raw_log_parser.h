// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/job.h"
#include "engine/parsing/drain.h"
#include "engine/parsing/log_format.h"

namespace logbert {

/// One line as the raw log parser saw it. Views are valid during the callback only.
struct ParsedLine {
    std::uint32_t file = 0;
    std::uint64_t line = 0;   ///< 1-based
    bool matched = false;     ///< false: the line did not fit the format (key is 0)
    std::int32_t key = 0;     ///< Drain template id
    std::string_view text;    ///< the whole line
    std::string_view content; ///< the <Content> field
    const std::vector<std::string_view>* fields = nullptr; ///< all fields, format order
};

/// Lines that did not fit the format: how many, and where the first few were.
struct UnmatchedLines {
    std::uint64_t count = 0;
    std::vector<std::string> examples; ///< "file:line: text" of the first few
};

/// Streams raw log files through the format matcher and Drain, one line at a time.
/// Used by `logbert parse`, the dataset builder and detection (with learning off).
class RawLogParser {
public:
    RawLogParser(const std::string& format, DrainOptions options);
    /// Parses with a saved parser: templates are matched, never learned; unknown lines get key 0.
    RawLogParser(const std::string& format, Drain trained);

    using LineHandler = std::function<void(const ParsedLine&)>;
    /// Parses one file. Throws InputError on unreadable input, Cancelled when job is cancelled.
    void parseFile(const std::string& path, std::uint32_t fileIndex, const LineHandler& handler,
                   const JobControl& job = {});
    /// Total bytes of all files to parse, for progress across files.
    void setTotalBytes(std::uint64_t bytes) { totalBytes_ = bytes; }

    const LogFormat& format() const { return format_; }
    const Drain& drain() const { return drain_; }
    Drain& drain() { return drain_; }
    Drain takeDrain() { return std::move(drain_); }
    std::uint64_t linesRead() const { return linesRead_; }
    std::uint64_t linesMatched() const { return linesRead_ - unmatched_.count; }
    const UnmatchedLines& unmatched() const { return unmatched_; }
    /// What the line reader noticed in the files so far (NUL bytes, CR-only line ends).
    const std::vector<std::string>& readerWarnings() const { return readerWarnings_; }

private:
    LogFormat format_;
    Drain drain_;
    bool learn_ = true;
    std::uint64_t linesRead_ = 0;
    std::uint64_t bytesDone_ = 0;
    std::uint64_t totalBytes_ = 0;
    UnmatchedLines unmatched_;
    std::vector<std::string> readerWarnings_;
    std::vector<std::string_view> fields_;
};

} // namespace logbert
