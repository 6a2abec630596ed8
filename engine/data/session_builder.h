// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/data/session.h"

namespace re2 {
class RE2;
}

namespace logbert {

/// Groups parsed lines into sessions as they stream past, by one of three rules:
/// - identifier: every match of a regex in the message (HDFS `blk_-?\d+`) names a session; a
///   line that names several joins each of them;
/// - count windows: `size` lines, a new window every `step` lines, restarting at each file;
/// - time windows: [start, start + size) seconds, a new window every `step` seconds.
/// A session's label from inline line labels is Anomaly when any of its lines is.
class SessionBuilder {
public:
    SessionBuilder(SessionRule rule, const std::string& pattern, double size, double step);
    ~SessionBuilder();

    /// `content` is the message, searched for identifiers; `fileName` names windows.
    void add(const LineEvent& event, std::string_view content, const std::string& fileName);
    /// Marks the end of a file (windows never span files).
    void endFile();
    std::vector<Session> finish();

    std::uint64_t linesWithoutSession() const { return linesWithoutSession_; }
    std::uint64_t firstLineWithoutSession() const { return firstWithout_; }
    std::string firstFileWithoutSession() const { return firstWithoutFile_; }
    std::uint64_t outOfOrderTimes() const { return outOfOrder_; }
    /// Lines whose time is not a number or lies beyond ±kLatestTime (inf, 1e19): placed at the
    /// previous line's time, as lines without one, so that no window loop runs to infinity.
    std::uint64_t impossibleTimes() const { return impossibleTimes_; }
    static constexpr double kLatestTime = 1e11; ///< seconds from 1970: about the year 5100

private:
    struct Window {
        double start = 0;
        std::size_t count = 0;
        std::size_t session = 0;
    };
    void append(Session& s, const LineEvent& e);
    std::size_t openWindow(const LineEvent& e, const std::string& fileName);
    void closeWindow(const Window& w);

    SessionRule rule_;
    std::unique_ptr<re2::RE2> pattern_;
    double size_, step_;
    std::vector<Session> sessions_;
    std::unordered_map<std::string, std::size_t> byId_;
    std::vector<std::string> idScratch_;
    std::unordered_set<std::string_view> idSeen_; ///< views into the line being read
    std::deque<Window> open_;
    std::uint64_t lineInFile_ = 0;
    double nextStart_ = 0;
    double lastTime_ = 0;
    bool timeStarted_ = false;
    std::uint64_t linesWithoutSession_ = 0, firstWithout_ = 0, outOfOrder_ = 0, impossibleTimes_ = 0;
    std::string firstWithoutFile_;
    std::string currentFile_;
};

} // namespace logbert
