// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

#include <functional>
#include <mutex>
#include <vector>

namespace logbert::gui {

/// Carries calls from a worker thread to the thread that owns the mailbox (the GUI thread).
/// post() queues a call under a mutex and wakes the owner once; the owner runs every waiting call
/// in order. Unlike signals with arguments, the hand-over goes through a mutex ThreadSanitizer
/// can see, and a burst of posts costs one wake-up.
class GuiMailbox : public QObject {
    Q_OBJECT
public:
    explicit GuiMailbox(QObject* parent = nullptr);

    /// Any thread. `call` runs later on the mailbox's thread, unless the mailbox is gone by then.
    void post(std::function<void()> call);

signals:
    void wake(); ///< internal: queued to the mailbox's thread

private:
    void deliver();

    std::mutex mutex_;
    std::vector<std::function<void()>> calls_;
};

} // namespace logbert::gui
