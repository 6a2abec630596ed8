// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>
#include <vector>

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
/// whose values differ between them.
class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(const QString& runsFolder, QWidget* parent = nullptr);

    /// Re-reads the runs folder (keeps the checked runs checked).
    void refresh();
    void setChecked(const QString& runDir, bool checked);
    int runCount() const;

    LiveChart* lossChart() const { return chart_; }
    /// Each checked run's resident memory over its training, from its resources.csv.
    LiveChart* memoryChart() const { return memoryChart_; }
    QTableWidget* costTable() const { return cost_; }
    QTableWidget* diffTable() const { return diff_; }

signals:
    void openRunRequested(const QString& runDir);

private:
    void compare();
    /// Puts `fresh` in the tab of `slot` (the charts are rebuilt on every change).
    void replaceChart(LiveChart*& slot, LiveChart* fresh);

    QString runsFolder_;
    QListWidget* runs_;
    QTabWidget* charts_;
    LiveChart* chart_;
    LiveChart* memoryChart_;
    QTableWidget* cost_;
    QTableWidget* diff_;
};

} // namespace logbert::gui
