// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <string>

namespace logbert::cli {

/// A status line on stderr: rewritten in place on a terminal (at most 10 times a second), one
/// line every 10 seconds otherwise (logs, CI).
class ProgressLine {
public:
    explicit ProgressLine(bool quiet = false);
    void update(const std::string& text);
    /// Prints a line that stays (clearing the status line first).
    void finish(const std::string& text);

private:
    bool quiet_, terminal_;
    bool showing_ = false;
    std::chrono::steady_clock::time_point last_{};
};

/// "1h 02m", "3m 05s", "12s".
std::string formatDuration(double seconds);

} // namespace logbert::cli
