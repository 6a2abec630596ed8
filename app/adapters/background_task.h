// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <thread>

#include "app/adapters/engine_types.h"
#include "app/adapters/gui_mailbox.h"

namespace logbert::gui {

/// Runs one piece of engine work on a worker thread. The work gets a JobControl (cancel flag,
/// progress reported as a signal) and returns what to do with its result on the GUI thread.
/// Exceptions become failed(message) ("cancelled" for a cancel). Destroying a running task
/// cancels it and joins.
class BackgroundTask : public QObject {
    Q_OBJECT
public:
    using Work = std::function<std::function<void()>(const JobControl&)>;

    explicit BackgroundTask(QObject* parent = nullptr);
    ~BackgroundTask() override;

    bool isRunning() const { return running_; }
    void start(Work work);
    void cancel() { cancel_ = true; }

signals:
    void progress(const logbert::JobProgress& progress);
    void failed(const QString& error);

private:
    GuiMailbox* mailbox_; // progress and the outcome reach the GUI thread through it
    std::thread worker_;
    std::atomic<bool> cancel_{false};
    bool running_ = false;
};

} // namespace logbert::gui
