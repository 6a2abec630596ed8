// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/session_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <re2/re2.h>

#include "engine/core/errors.h"
#include "engine/parsing/masker.h"

namespace logbert {

SessionBuilder::SessionBuilder(SessionRule rule, const std::string& pattern, double size, double step)
    : rule_(rule), size_(size), step_(step > 0 ? step : size) {
    if (rule_ == SessionRule::Identifier) {
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_encoding(RE2::Options::EncodingLatin1);
        pattern_ = std::make_unique<RE2>(pattern, opts);
        if (!pattern_->ok())
            throw InputError("data.session.pattern", 0, "not a valid regular expression: " + pattern_->error());
        if (const std::string at = Masker::emptyMatchExample(*pattern_); !at.empty())
            throw InputError("data.session.pattern", 0, "can match the empty string (it does " + at +
                                                            "); a session identifier is never empty");
    } else if (!(size_ > 0) || !(step_ > 0)) {
        throw InputError("data.session.size", 0, "window size and step must be positive");
    }
}

SessionBuilder::~SessionBuilder() = default;

void SessionBuilder::append(Session& s, const LineEvent& e) {
    if (s.keys.empty()) {
        s.firstTime = e.time;
        s.input = e.input;
    }
    s.keys.push_back(e.key);
    s.lines.push_back(LineRef{e.file, e.line});
    if (e.lineLabel == Label::Anomaly)
        s.label = Label::Anomaly;
    else if (e.lineLabel == Label::Normal && s.label == Label::Unknown)
        s.label = Label::Normal;
}

std::size_t SessionBuilder::openWindow(const LineEvent& e, const std::string& fileName) {
    Session s;
    s.order = std::uint32_t(sessions_.size());
    s.id = fileName; // completed with the line range when the window closes
    s.input = e.input;
    sessions_.push_back(std::move(s));
    return sessions_.size() - 1;
}

void SessionBuilder::closeWindow(const Window& w) {
    Session& s = sessions_[w.session];
    if (s.lines.empty()) return;
    s.id += ":" + std::to_string(s.lines.front().line) + "-" + std::to_string(s.lines.back().line);
    if (rule_ == SessionRule::TimeWindow) { // two time windows can hold the same lines
        char start[32];
        std::snprintf(start, sizeof start, " @%.0f", w.start);
        s.id += start;
    }
}

void SessionBuilder::add(const LineEvent& e, std::string_view content, const std::string& fileName) {
    if (rule_ == SessionRule::Identifier) {
        re2::StringPiece input(content.data(), content.size());
        re2::StringPiece match;
        idScratch_.clear();
        idSeen_.clear();
        std::size_t pos = 0;
        while (pos <= input.size() &&
               pattern_->Match(input, pos, input.size(), RE2::UNANCHORED, &match, 1)) {
            // A set, not a search of the list: one line naming 300,000 ids took 77 s (issue 13).
            if (idSeen_.emplace(match.data(), match.size()).second) idScratch_.emplace_back(match.data(), match.size());
            pos = std::size_t(match.data() - input.data()) + std::max<std::size_t>(match.size(), 1);
        }
        if (idScratch_.empty()) {
            if (linesWithoutSession_++ == 0) {
                firstWithout_ = e.line;
                firstWithoutFile_ = fileName;
            }
            return;
        }
        for (auto& id : idScratch_) {
            auto [it, inserted] = byId_.emplace(id, sessions_.size());
            if (inserted) {
                Session s;
                s.id = id;
                s.order = std::uint32_t(sessions_.size());
                sessions_.push_back(std::move(s));
            }
            append(sessions_[it->second], e);
        }
        return;
    }

    if (currentFile_ != fileName) {
        endFile();
        currentFile_ = fileName;
    }
    const std::string name = std::filesystem::path(fileName).filename().string();
    if (rule_ == SessionRule::CountWindow) {
        const auto step = std::uint64_t(step_), size = std::uint64_t(size_);
        if (lineInFile_ % step == 0) open_.push_back(Window{double(lineInFile_), 0, openWindow(e, name)});
        ++lineInFile_;
        for (auto& w : open_) {
            append(sessions_[w.session], e);
            ++w.count;
        }
        while (!open_.empty() && open_.front().count >= size) {
            closeWindow(open_.front());
            open_.pop_front();
        }
        return;
    }

    // Time windows. Lines without a time, or earlier than the previous line, take the previous
    // line's time, so a few out-of-order lines do not reopen closed windows.
    double t = e.time;
    if (!std::isnan(t) && !(std::abs(t) <= kLatestTime)) {
        ++impossibleTimes_;
        t = std::nan("");
    }
    if (std::isnan(t)) t = lastTime_;
    if (timeStarted_ && t < lastTime_) {
        ++outOfOrder_;
        t = lastTime_;
    }
    if (!timeStarted_) {
        timeStarted_ = true;
        nextStart_ = t;
    }
    lastTime_ = t;
    while (!open_.empty() && open_.front().start + size_ <= t) {
        closeWindow(open_.front());
        open_.pop_front();
    }
    if (open_.empty() && nextStart_ + size_ <= t) // skip empty windows over a gap
        nextStart_ += step_ * std::floor((t - size_ - nextStart_) / step_ + 1);
    while (nextStart_ <= t) {
        if (nextStart_ + size_ > t) open_.push_back(Window{nextStart_, 0, openWindow(e, name)});
        const double next = nextStart_ + step_;
        if (next == nextStart_) break; // a step below the time's precision (the config refuses it)
        nextStart_ = next;
    }
    for (auto& w : open_) {
        Session& s = sessions_[w.session];
        append(s, e);
        if (s.keys.size() == 1) s.firstTime = w.start;
    }
}

void SessionBuilder::endFile() {
    for (const auto& w : open_) closeWindow(w);
    open_.clear();
    lineInFile_ = 0;
    timeStarted_ = false;
}

std::vector<Session> SessionBuilder::finish() {
    endFile();
    std::vector<Session> out;
    out.reserve(sessions_.size());
    for (auto& s : sessions_)
        if (!s.keys.empty()) {
            s.order = std::uint32_t(out.size());
            out.push_back(std::move(s));
        }
    sessions_.clear();
    byId_.clear();
    return out;
}

} // namespace logbert
