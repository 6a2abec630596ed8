// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/run_follower.h"

#include <QDir>
#include <QFileInfo>

namespace logbert::gui {

namespace {
constexpr int kBusyPollMs = 1000, kQuietPollMs = 3000, kSettleMs = 100;
}

RunFollower::RunFollower(const QString& runDir, QObject* parent)
    : QObject(parent), runDir_(runDir), tail_(runDir.toStdString()) {
    settle_.setSingleShot(true);
    settle_.setInterval(kSettleMs);
    connect(&settle_, &QTimer::timeout, this, &RunFollower::pollNow);
    connect(&poll_, &QTimer::timeout, this, &RunFollower::pollNow);
    auto wake = [this] {
        if (!settle_.isActive()) settle_.start();
    };
    connect(&watcher_, &QFileSystemWatcher::directoryChanged, this, wake);
    connect(&watcher_, &QFileSystemWatcher::fileChanged, this, wake);
    poll_.start(kBusyPollMs);
    QTimer::singleShot(0, this, &RunFollower::pollNow);
}

void RunFollower::watchFiles() {
    // Re-added on every poll: a watch on a file ends when an atomic rewrite replaces it.
    QStringList wanted{runDir_};
    for (const char* name : {run_files::kMetrics, run_files::kResources, run_files::kRunInfo}) {
        const QString path = QDir(runDir_).filePath(name);
        if (QFileInfo::exists(path)) wanted << path;
    }
    const QStringList watched = watcher_.files() + watcher_.directories();
    for (const QString& path : wanted)
        if (!watched.contains(path) && QFileInfo::exists(path)) watcher_.addPath(path);
}

void RunFollower::pollNow() {
    settle_.stop();
    const RunFolderChange change = tail_.poll();
    watchFiles();
    const int interval = tail_.activity().state == RunActivity::State::Running ? kBusyPollMs : kQuietPollMs;
    if (poll_.interval() != interval) poll_.start(interval);
    if (!tail_.caughtUp()) QTimer::singleShot(0, this, &RunFollower::pollNow); // the rest of a long log, slice by slice
    if (change.any(tail_.metrics().size(), tail_.resources().size())) emit changed(change);
}

} // namespace logbert::gui
