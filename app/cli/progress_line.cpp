// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/progress_line.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace logbert::cli {

ProgressLine::ProgressLine(bool quiet) : quiet_(quiet), terminal_(::isatty(2) != 0) {}

void ProgressLine::update(const std::string& text) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (since < (terminal_ ? 0.1 : 10.0)) return;
    last_ = now;
    if (terminal_) {
        std::fprintf(stderr, "\r\033[K%s", text.c_str());
        showing_ = true;
    } else {
        std::fprintf(stderr, "%s\n", text.c_str());
    }
    std::fflush(stderr);
}

void ProgressLine::finish(const std::string& text) {
    if (quiet_) return;
    if (showing_) std::fprintf(stderr, "\r\033[K");
    showing_ = false;
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
}

std::string formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh %02ldm", s / 3600, (s / 60) % 60);
    else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm %02lds", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

} // namespace logbert::cli
