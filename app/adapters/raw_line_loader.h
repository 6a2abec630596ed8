// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "app/adapters/background_task.h"
#include "app/adapters/evaluation_runner.h"
#include "engine/data/session_lines.h"

namespace logbert::gui {

/// Raw lines per session index (into Dataset::sessions).
using SessionLinesMap = std::map<std::uint32_t, std::vector<SessionLine>>;

/// Reads sessions' raw log lines on a worker thread (engine: sessionLines through the run's
/// RawLineIndex), so that a multi-GB log never blocks the GUI. A new request cancels the one in
/// flight; only the latest request's lines arrive.
class RawLineLoader : public QObject {
    Q_OBJECT
public:
    explicit RawLineLoader(QObject* parent = nullptr);

    /// The first `limit` lines of each session in `sessions`; `loaded` follows.
    void load(const EvaluatedRun& run, std::vector<std::uint32_t> sessions, std::size_t limit);
    bool isLoading() const { return task_->isRunning(); }

    /// The same, on the calling thread (for the report and tests).
    static SessionLinesMap read(const EvaluatedRun& run, const std::vector<std::uint32_t>& sessions, std::size_t limit,
                                const JobControl& control = {});

signals:
    void loaded(const logbert::gui::SessionLinesMap& lines);
    void failed(const QString& error);

private:
    void startNow(const EvaluatedRun& run, std::vector<std::uint32_t> sessions, std::size_t limit);
    void runPending();

    BackgroundTask* task_;
    std::function<void()> pending_;
};

} // namespace logbert::gui
