// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>
#include <optional>
#include <vector>

#include "app/adapters/evaluation_runner.h"
#include "app/adapters/raw_line_loader.h"

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSplitter;
class QSpinBox;
class QStandardItemModel;
class QTableView;
class QTableWidget;
class QTextBrowser;

namespace logbert::gui {

class LiveChart;
class SessionFilter;

/// The Results page: LogBERT's metrics beside the baselines', threshold controls (r, g, g for
/// [END], d) that recompute LogBERT's row live — the validation-chosen point is what gets
/// reported and one click away — and the scored test sessions: a sortable, filterable table
/// (clicking TP/FP/FN/TN in the metrics filters it) and the detail of one session, with its
/// mispredicted keys highlighted, the model's predictions, the templates and the raw log lines.
class ResultsPage : public QWidget {
    Q_OBJECT
public:
    explicit ResultsPage(QWidget* parent = nullptr);

    /// Shows a run's saved evaluation, or evaluates it when there is none that fits (or when
    /// asked to with Mode::Evaluate).
    void openRun(const QString& runDir, EvaluationRunner::Mode mode = EvaluationRunner::Mode::ReuseSaved);
    void showRun(const EvaluatedRun& run);

    const Thresholds& thresholds() const { return current_; }
    const Thresholds& chosenThresholds() const { return chosen_; }
    void setThresholds(const Thresholds& t);
    Confusion logbertConfusion() const;
    /// Test sessions shown in the table after filtering.
    int visibleSessions() const;
    void filterCategory(const QString& category); ///< "all", "flagged", "TP", "FP", "FN", "TN"
    void showSession(int visibleRow);
    QString sessionDetailHtml() const;
    QTableWidget* metricsTable() const { return metrics_; }
    /// LogBERT against the simple rules at the current thresholds (shown under the title).
    QString verdict() const;
    const EvaluatedRun& run() const { return run_; }
    /// Asks for a file name and writes the report (HTML, and PDF beside it).
    void exportReportInteractively();
    /// Writes the report once the flagged sessions' log lines are read (in the background);
    /// reportExported follows.
    void exportReportTo(const QString& htmlPath);

signals:
    void statusMessage(const QString& text);
    void evaluated(const QString& runDir);
    void rawLinesShown(); ///< the shown session's raw lines arrived
    void reportExported(const QString& htmlPath);
    void reportFailed(const QString& error);
    void evaluationFailed(const QString& error);

private:
    /// Export, Evaluate again and the reset of the thresholds: only with a run on show, not while evaluating.
    void enableRunActions();
    std::vector<QPushButton*> runActions_;
    /// The page in phases: the title and actions, the metrics table beside the thresholds, and
    /// the sessions table beside the session's detail and the charts.
    void buildUi();
    void buildMetricsTable();
    QGroupBox* buildThresholdBox(); ///< r, top-g, [END], d; its reset joins runActions_
    QSplitter* buildSessionsPane();
    void recompute();
    void fillSessions();

    void showRawLines(const SessionLinesMap& lines);
    static constexpr std::size_t kRawLinesShown = 200;

    EvaluationRunner* runner_;
    void writeReport(const SessionLinesMap& lines);

    RawLineLoader* rawLineLoader_;
    RawLineLoader* reportLineLoader_;
    QString reportPath_;
    /// The shown session's detail at the current thresholds (it follows the controls too).
    void renderSessionDetail();
    static constexpr std::size_t kNoSession = std::size_t(-1);
    std::size_t shownSession_ = kNoSession;  ///< its index into EvaluationResult::sessions
    std::optional<std::vector<SessionLine>> shownLines_; ///< its raw lines once read
    QString detailHtml_; ///< what the detail pane was given (QTextBrowser rewrites it)
    EvaluatedRun run_;
    Thresholds chosen_, current_;
    bool updating_ = false;

    QLabel* title_;
    QProgressBar* progress_;
    QTableWidget* metrics_;
    QSlider* ratio_;
    QLabel* ratioLabel_;
    QSpinBox *topG_, *endG_;
    QDoubleSpinBox* distance_;
    QLabel* chosenLabel_;
    QLineEdit* filter_;
    QComboBox* category_;
    QStandardItemModel* sessionsModel_;
    SessionFilter* proxy_;
    QTableView* sessions_;
    QTextBrowser* detail_;
    LiveChart* f1Chart_;
    LiveChart* prChart_;
    int f1Marker_ = 0, prMarker_ = 0;
    void plotSweeps();
    void placeMarkers(const Confusion& c);

public:
    LiveChart* f1Chart() const { return f1Chart_; }
    /// The session in the detail pane (null when none).
    const ScoredSession* shownSession() const {
        return run_.result && shownSession_ < run_.result->sessions.size() ? &run_.result->sessions[shownSession_] : nullptr;
    }
    Thresholds currentThresholds() const { return current_; }
    /// The text of a visible row's cell in the sessions table, by column title.
    QString sessionCell(int visibleRow, const QString& column) const;
};

} // namespace logbert::gui
