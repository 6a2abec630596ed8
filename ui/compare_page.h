// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFileSystemWatcher>
#include <QTimer>
#include <QWidget>
#include <map>
#include <vector>

#include "app/adapters/run_follower.h"
#include "app/adapters/run_summaries.h"

class QComboBox;
class QLabel;
class QListWidget;
class QTabWidget;
class QTableWidget;

namespace logbert::gui {

class LiveChart;
class BarChart;

/// The Compare page, and the run history: every run folder of the workspace, re-openable after a
/// restart (double-click opens it on the Results page). Checked runs are compared, each in a
/// colour of its own that stays the same whichever runs are ticked: training and validation loss
/// overlaid by step, validation loss per epoch, memory, a bar chart of F1 / precision / recall
/// per detector, a table of data and cost (data, sample ratio, epochs, training time,
/// sequences/s, memory, parameters, LogBERT's metrics), and the config keys whose values differ.
/// A warning says when the checked runs were trained on different data (their losses do not
/// compare one to one). Runs can be renamed (the name is kept in the run folder). It lists the
/// runs under the workspace (a new one appears as soon as its folder does) and any run folder
/// opened from elsewhere (watched, remembered); the curves of checked runs still training grow
/// as their process appends to their logs. Runs that stopped before their first step are not
/// ticked by default.
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

    /// Validation loss per epoch, a series per checked run.
    LiveChart* lossChart() const { return chart_; }
    /// Training loss per step (line) and validation loss (markers) of every checked run, by step.
    LiveChart* curvesChart() const { return curvesChart_; }
    /// The chosen metric (F1, precision or recall) per detector, a bar per checked run.
    BarChart* detectionChart() const { return bars_; }
    void setDetectionMetric(const QString& metric);
    /// "" when the checked runs share their data settings, else the warning shown.
    QString dataWarning() const;
    /// The colour a run is drawn in (stable while the page lives).
    QColor runColor(const QString& runDir);
    /// Names a run (kept in its folder; "" gives it its folder's name back); false with a message.
    bool renameRun(const QString& runDir, const QString& name, QString& error);
    /// The run list's text for a run folder.
    QString listedName(const QString& runDir) const;
    bool isChecked(const QString& runDir) const;
    /// Each checked run's resident memory over its training, from its resources.csv.
    LiveChart* memoryChart() const { return memoryChart_; }
    QTableWidget* costTable() const { return cost_; }
    QTableWidget* diffTable() const { return diff_; }

signals:
    void openRunRequested(const QString& runDir);

private:
    void compare();
    /// What compare() draws: the checked runs, read once.
    struct Compared {
        std::vector<RunSummary> runs;
        std::vector<RunActivity> activities;
        QStringList names, paths;
        QVector<QColor> colors;
    };
    Compared readChecked();
    void drawCurves(const Compared& c);
    void drawValidation(const Compared& c);
    void drawMemory(const Compared& c);
    void drawDetection(const Compared& c);
    void fillCost(const Compared& c);
    void fillDiff(const Compared& c);
    void warnDifferentData(const Compared& c);
    void renameSelected();
    /// Whether a run is ticked when it is first listed: not when it stopped before any step.
    static bool tickedAtFirst(const QString& runDir);
    /// Follows the checked runs being written; drops the followers of those that stopped.
    void followRunning(const QStringList& checkedRuns);
    /// Puts `fresh` in the tab of `slot` (the charts are rebuilt on every change).
    void replaceChart(LiveChart*& slot, LiveChart* fresh);

    QString runsFolder_;
    QListWidget* runs_;
    QTabWidget* charts_;
    LiveChart* chart_;
    LiveChart* curvesChart_;
    LiveChart* memoryChart_;
    BarChart* bars_;
    QComboBox* metric_;
    QLabel* warning_;
    std::map<QString, int> colorIndex_;
    QTableWidget* cost_;
    QTableWidget* diff_;
    QStringList watched_;
    QFileSystemWatcher runsWatcher_; // a run folder appears in the workspace
    QTimer refreshSoon_, compareSoon_;
    std::map<QString, RunFollower*> followers_;
};

} // namespace logbert::gui
