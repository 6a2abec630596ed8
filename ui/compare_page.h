// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFileSystemWatcher>
#include <QTimer>
#include <QWidget>
#include <map>
#include <vector>

#include "app/adapters/run_follower.h"
#include "app/adapters/run_summaries.h"

class QListWidget;
class QTabWidget;
class QTableWidget;

namespace logbert::gui {

class LiveChart;

/// The Compare page, and the run history: every run folder of the workspace, re-openable after a
/// restart (double-click opens it on the Results page). Checked runs are compared: validation
/// loss per epoch overlaid with a colour per run, a table of metrics and cost (epochs, training
/// time, sequences/s, peak memory, parameters, precision, recall, F1, FPR), and the config keys
/// whose values differ between them. It lists the runs under the workspace (a new one appears as
/// soon as its folder does) and any run folder opened from elsewhere (watched, remembered), and
/// the curves of checked runs still training grow as their process appends to their logs.
class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(const QString& runsFolder, QWidget* parent = nullptr);

    /// Re-reads the runs folder (keeps the checked runs checked).
    void refresh();
    void setChecked(const QString& runDir, bool checked);
    int runCount() const;
    /// Lists (and checks) a run folder outside the workspace too, from now on and after a restart.
    void watchFolder(const QString& runDir);
    QStringList watchedFolders() const { return watched_; }
    /// The followers of checked runs that a process is writing (tests).
    int followedCount() const { return int(followers_.size()); }

    LiveChart* lossChart() const { return chart_; }
    /// Each checked run's resident memory over its training, from its resources.csv.
    LiveChart* memoryChart() const { return memoryChart_; }
    QTableWidget* costTable() const { return cost_; }
    QTableWidget* diffTable() const { return diff_; }

signals:
    void openRunRequested(const QString& runDir);

private:
    void compare();
    /// Follows the checked runs being written; drops the followers of those that stopped.
    void followRunning(const QStringList& checkedRuns);
    /// Puts `fresh` in the tab of `slot` (the charts are rebuilt on every change).
    void replaceChart(LiveChart*& slot, LiveChart* fresh);

    QString runsFolder_;
    QListWidget* runs_;
    QTabWidget* charts_;
    LiveChart* chart_;
    LiveChart* memoryChart_;
    QTableWidget* cost_;
    QTableWidget* diff_;
    QStringList watched_;
    QFileSystemWatcher runsWatcher_; // a run folder appears in the workspace
    QTimer refreshSoon_, compareSoon_;
    std::map<QString, RunFollower*> followers_;
};

} // namespace logbert::gui
