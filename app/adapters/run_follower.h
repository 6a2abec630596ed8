// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include "engine/training/run_folder_tail.h"

namespace logbert::gui {

/// Follows a run folder that another process writes (engine: RunFolderTail), for the Run and
/// Compare pages. A file watcher wakes it when the folder's files change, and a timer polls as
/// well (every second while the folder is being written, every few seconds otherwise), for network
/// filesystems whose changes never raise a notice. A poll reads only what was appended since the
/// last one — a few hundred bytes a second — so it runs on the GUI thread.
class RunFollower : public QObject {
    Q_OBJECT
public:
    explicit RunFollower(const QString& runDir, QObject* parent = nullptr);

    QString runDir() const { return runDir_; }
    const RunFolderTail& tail() const { return tail_; }
    /// Polls at once (changed() follows when something did); the constructor's first poll is queued.
    void pollNow();

signals:
    void changed(const logbert::RunFolderChange& change);

private:
    void watchFiles();

    QString runDir_;
    RunFolderTail tail_;
    QFileSystemWatcher watcher_;
    QTimer poll_;   // the fallback
    QTimer settle_; // a burst of change notices costs one poll
};

} // namespace logbert::gui
