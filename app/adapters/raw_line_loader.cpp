// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/raw_line_loader.h"

namespace logbert::gui {

RawLineLoader::RawLineLoader(QObject* parent) : QObject(parent), task_(new BackgroundTask(this)) {
    connect(task_, &BackgroundTask::failed, this, [this](const QString& error) {
        if (pending_) runPending();
        else emit failed(error);
    });
}

SessionLinesMap RawLineLoader::read(const EvaluatedRun& run, const std::vector<std::uint32_t>& sessions,
                                    std::size_t limit, const JobControl& control) {
    SessionLinesMap lines;
    if (!run.dataset || !run.rawLines) return lines;
    for (const auto s : sessions)
        if (s < run.dataset->sessions.size())
            lines[s] = sessionLines(*run.dataset, run.dataset->sessions[s], *run.rawLines, limit, 4096, control);
    return lines;
}

void RawLineLoader::load(const EvaluatedRun& run, std::vector<std::uint32_t> sessions, std::size_t limit) {
    if (task_->isRunning()) {
        task_->cancel();
        pending_ = [this, run, sessions = std::move(sessions), limit] { startNow(run, sessions, limit); };
        return;
    }
    startNow(run, std::move(sessions), limit);
}

void RawLineLoader::startNow(const EvaluatedRun& run, std::vector<std::uint32_t> sessions, std::size_t limit) {
    task_->start([this, run, sessions = std::move(sessions), limit](const JobControl& control) -> std::function<void()> {
        auto lines = std::make_shared<SessionLinesMap>(read(run, sessions, limit, control));
        return [this, lines] {
            if (pending_) runPending(); // a newer request is waiting: this answer is stale
            else emit loaded(*lines);
        };
    });
}

void RawLineLoader::runPending() {
    auto next = std::move(pending_);
    pending_ = nullptr;
    next();
}

} // namespace logbert::gui
