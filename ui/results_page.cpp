// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/results_page.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QMessageBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QScrollBar>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <cmath>
#include <map>

#include "ui/report.h"
#include "ui/session_html.h"
#include "widgets/live_chart.h"

namespace logbert::gui {

namespace {
enum Column { kSession, kLabel, kKeys, kMisses, kEndRank, kDistance, kFlagged, kOutcome, kColumns };
constexpr int kRowRole = Qt::UserRole + 1; // index into result.sessions
constexpr int kSliderSteps = 200;

QString categoryOf(bool anomaly, bool flagged) {
    return anomaly ? (flagged ? "TP" : "FN") : (flagged ? "FP" : "TN");
}

} // namespace

/// Filters the sessions table by text (session id) and by outcome category.
class SessionFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setCategory(const QString& c) {
        category_ = c;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        if (category_ == "flagged" && sourceModel()->index(row, kFlagged, parent).data().toString() != "yes") return false;
        if (category_.size() == 2 && sourceModel()->index(row, kOutcome, parent).data().toString() != category_) return false;
        return QSortFilterProxyModel::filterAcceptsRow(row, parent);
    }

private:
    QString category_ = "all";
};

ResultsPage::ResultsPage(QWidget* parent)
    : QWidget(parent), runner_(new EvaluationRunner(this)), rawLineLoader_(new RawLineLoader(this)),
      reportLineLoader_(new RawLineLoader(this)) {
    buildUi();
    connect(rawLineLoader_, &RawLineLoader::loaded, this, &ResultsPage::showRawLines);
    connect(reportLineLoader_, &RawLineLoader::loaded, this, &ResultsPage::writeReport);
    connect(reportLineLoader_, &RawLineLoader::failed, this, [this](const QString& error) {
        emit statusMessage("report: " + error);
        emit reportFailed(error);
    });
    connect(rawLineLoader_, &RawLineLoader::failed, this, [this](const QString& error) {
        if (error != "cancelled") detail_->append("<p>" + error.toHtmlEscaped() + "</p>");
    });
    connect(runner_, &EvaluationRunner::progress, this, [this](const JobProgress& p) {
        progress_->setVisible(true);
        progress_->setRange(0, p.total ? int(std::min<std::uint64_t>(p.total, 1u << 30)) : 0);
        progress_->setValue(int(std::min<std::uint64_t>(p.done, 1u << 30)));
        progress_->setFormat(QString::fromStdString(p.phase) + " %p%");
    });
    connect(runner_, &EvaluationRunner::finished, this, [this](const EvaluatedRun& run) {
        progress_->setVisible(false);
        showRun(run);
        enableRunActions();
        emit evaluated(run.runDir);
    });
    connect(runner_, &EvaluationRunner::failed, this, [this](const QString& error) {
        progress_->setVisible(false);
        title_->setText("Evaluation failed: " + error);
        enableRunActions();
        emit statusMessage(error);
        emit evaluationFailed(error);
    });
}

void ResultsPage::buildUi() {
    title_ = new QLabel("Open a trained run to see its results.");
    title_->setWordWrap(true);
    progress_ = new QProgressBar;
    progress_->setVisible(false);
    buildMetricsTable();
    auto* exportButton = new QPushButton("Export report…");
    connect(exportButton, &QPushButton::clicked, this, &ResultsPage::exportReportInteractively);
    auto* again = new QPushButton("Evaluate again");
    runActions_ = {exportButton, again};
    again->setProperty("readyTip", "Score every session again instead of showing the saved evaluation.");
    connect(again, &QPushButton::clicked, this, [this] {
        if (!run_.runDir.isEmpty()) openRun(run_.runDir, EvaluationRunner::Mode::Evaluate);
    });
    QGroupBox* thresholdBox = buildThresholdBox();
    enableRunActions(); // nothing to export or evaluate again before a run is shown
    QSplitter* lower = buildSessionsPane();

    // All seven rows and every column fit a 1280x800 window: compact rows, and the thresholds
    // box takes only the width its controls need.
    metrics_->verticalHeader()->setDefaultSectionSize(metrics_->fontMetrics().height() + 8);
    thresholdBox->setMaximumWidth(420);
    thresholdBox->setMinimumHeight(thresholdBox->sizeHint().height()); // the splitter never clips its last line
    auto* upper = new QHBoxLayout;
    upper->addWidget(metrics_, 1);
    upper->addWidget(thresholdBox, 0);
    auto* upperWidget = new QWidget;
    upperWidget->setLayout(upper);
    auto* split = new QSplitter(Qt::Vertical);
    split->setObjectName("results.split");
    split->addWidget(upperWidget);
    split->addWidget(lower);
    split->setStretchFactor(1, 2);
    auto* header = new QHBoxLayout; // the run's actions beside its title
    header->addWidget(title_, 1);
    header->addWidget(exportButton, 0, Qt::AlignTop);
    header->addWidget(again, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(progress_);
    layout->addWidget(split, 1);
}

void ResultsPage::buildMetricsTable() {
    metrics_ = new QTableWidget(0, 11);
    // FPR before accuracy and specificity: on a narrow window the columns that scroll out of
    // sight are the ones TP/FP/FN/TN already say.
    metrics_->setHorizontalHeaderLabels({"detector", "TP", "FP", "FN", "TN", "precision", "recall", "F1", "FPR",
                                         "accuracy", "specificity"});
    metrics_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    metrics_->verticalHeader()->setVisible(false);
    metrics_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    metrics_->setToolTip("Click TP, FP, FN or TN of the LogBERT row to list those sessions.");
    connect(metrics_, &QTableWidget::cellClicked, this, [this](int row, int column) {
        if (row == 0 && column >= 1 && column <= 4) filterCategory(metrics_->horizontalHeaderItem(column)->text());
    });
}

QGroupBox* ResultsPage::buildThresholdBox() {
    ratio_ = new QSlider(Qt::Horizontal);
    ratio_->setRange(0, kSliderSteps);
    ratioLabel_ = new QLabel;
    topG_ = new QSpinBox;
    topG_->setRange(1, 1000);
    endG_ = new QSpinBox;
    endG_->setRange(0, 1000);
    endG_->setSpecialValueText("not used");
    distance_ = new QDoubleSpinBox;
    distance_->setDecimals(6);
    distance_->setRange(0, 1e9);
    distance_->setSingleStep(0.001);
    chosenLabel_ = new QLabel;
    chosenLabel_->setWordWrap(true);
    auto* reset = new QPushButton("Back to the validation choice");
    connect(reset, &QPushButton::clicked, this, [this] { setThresholds(chosen_); });
    runActions_.push_back(reset);
    auto* ratioRow = new QHBoxLayout;
    ratioRow->addWidget(ratio_, 1);
    ratioRow->addWidget(ratioLabel_);
    auto* controls = new QFormLayout;
    controls->addRow("miss ratio r", ratioRow);
    controls->addRow("top-g (keys)", topG_);
    controls->addRow("top-g for [END]", endG_);
    controls->addRow("distance d", distance_);
    controls->addRow(reset);
    controls->addRow(chosenLabel_);
    auto* thresholdBox = new QGroupBox("Thresholds (every row and the verdict follow them)");
    thresholdBox->setLayout(controls);
    auto onChange = [this] {
        if (updating_) return;
        current_.missRatio = double(ratio_->value()) / kSliderSteps;
        current_.topG = topG_->value();
        current_.endG = endG_->value();
        current_.distance = distance_->value();
        recompute();
    };
    connect(ratio_, &QSlider::valueChanged, this, onChange);
    connect(topG_, &QSpinBox::valueChanged, this, onChange);
    connect(endG_, &QSpinBox::valueChanged, this, onChange);
    connect(distance_, &QDoubleSpinBox::valueChanged, this, onChange);
    return thresholdBox;
}

QSplitter* ResultsPage::buildSessionsPane() {
    filter_ = new QLineEdit;
    filter_->setPlaceholderText("filter by session id");
    category_ = new QComboBox;
    category_->addItems({"all", "flagged", "TP", "FP", "FN", "TN"});
    sessionsModel_ = new QStandardItemModel(0, kColumns, this);
    sessionsModel_->setHorizontalHeaderLabels({"session", "label", "keys", "misses", "[END] rank", "distance", "flagged", "outcome"});
    proxy_ = new SessionFilter(this);
    proxy_->setSourceModel(sessionsModel_);
    proxy_->setFilterKeyColumn(kSession);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setSortRole(Qt::UserRole);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(category_, &QComboBox::currentTextChanged, this, [this](const QString& c) { proxy_->setCategory(c); });
    sessions_ = new QTableView;
    sessions_->setModel(proxy_);
    sessions_->setSortingEnabled(true);
    sessions_->setSelectionBehavior(QAbstractItemView::SelectRows);
    sessions_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    sessions_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    sessions_->verticalHeader()->setVisible(false);
    connect(sessions_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& index) { showSession(index.row()); });
    detail_ = new QTextBrowser;
    f1Chart_ = new LiveChart;
    f1Chart_->setTitle("F1 on the test split as r moves");
    f1Chart_->setAxisLabels("miss ratio r", "F1");
    prChart_ = new LiveChart;
    prChart_->setTitle("Precision and recall as r moves");
    prChart_->setAxisLabels("recall", "precision");
    auto* tabs = new QTabWidget;
    tabs->addTab(detail_, "Session");
    tabs->addTab(f1Chart_, "F1 vs r");
    tabs->addTab(prChart_, "Precision–recall");

    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(filter_, 1);
    filterRow->addWidget(category_);
    auto* tableBox = new QVBoxLayout;
    tableBox->addLayout(filterRow);
    tableBox->addWidget(sessions_);
    auto* tableWidget = new QWidget;
    tableWidget->setLayout(tableBox);
    auto* lower = new QSplitter;
    lower->setObjectName("results.lower");
    lower->addWidget(tableWidget);
    lower->addWidget(tabs);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);
    lower->setSizes({640, 700});
    return lower;
}

void ResultsPage::enableRunActions() {
    const bool ready = run_.result && !runner_->isRunning();
    for (QPushButton* b : runActions_) {
        b->setEnabled(ready);
        b->setToolTip(ready ? b->property("readyTip").toString() : runner_->isRunning() ? QString("Evaluating: wait for it to finish")
                                                               : QString("Open an evaluated run first (File › Open a run folder, or a run on the Compare page)"));
    }
}

void ResultsPage::openRun(const QString& runDir, EvaluationRunner::Mode mode) {
    title_->setText("Opening " + runDir + " …");
    runner_->start(runDir, mode);
    enableRunActions();
}

void ResultsPage::showRun(const EvaluatedRun& run) {
    run_ = run;
    shownSession_ = kNoSession;
    shownLines_.reset();
    const EvaluationResult& r = *run.result;
    chosen_ = r.thresholds;
    // Short enough for the box at 1280x800; how they were chosen is one hover away.
    chosenLabel_->setText(QString("Validation chose r %1 · top-%2 · [END] top-%3 · d %4")
                              .arg(chosen_.missRatio, 0, 'f', 3).arg(chosen_.topG).arg(chosen_.endG).arg(chosen_.distance, 0, 'g', 4));
    chosenLabel_->setToolTip(QString::fromStdString(chosen_.method));
    const auto rows = detectorReports(r.sessions, chosen_); // names and descriptions of this build, not the saved ones
    metrics_->setRowCount(int(rows.size()));
    for (int i = 0; i < int(rows.size()); ++i) {
        const auto& d = rows[std::size_t(i)];
        auto* name = new QTableWidgetItem(QString::fromStdString(d.name));
        name->setToolTip(QString::fromStdString(d.description));
        metrics_->setItem(i, 0, name);
    }
    fillSessions();
    plotSweeps();
    setThresholds(chosen_);
    filterCategory("flagged"); // what the user came for; "all" is one click away
    sessions_->selectRow(0);
}

void ResultsPage::fillSessions() {
    sessionsModel_->removeRows(0, sessionsModel_->rowCount());
    const auto& sessions = run_.result->sessions;
    for (int i = 0; i < int(sessions.size()); ++i) {
        const ScoredSession& s = sessions[std::size_t(i)];
        if (s.split != Split::Test) continue;
        QList<QStandardItem*> row;
        auto item = [&](const QString& text, const QVariant& sortKey) {
            auto* it = new QStandardItem(text);
            it->setData(sortKey, Qt::UserRole);
            it->setData(i, kRowRole);
            row << it;
        };
        const QString id = QString::fromStdString(run_.dataset->sessions[s.index].id);
        item(id, id);
        item(s.label == Label::Anomaly ? "anomaly" : "normal", int(s.label));
        item(QString::number(s.score.keys), s.score.keys);
        item("", 0);
        item(s.score.endRank < 0 ? "" : QString::number(s.score.endRank + 1), s.score.endRank); // 1-based
        item(QString::number(s.score.distance, 'g', 4), s.score.distance);
        item("", 0);
        item("", QString());
        sessionsModel_->appendRow(row);
    }
}

void ResultsPage::setThresholds(const Thresholds& t) {
    updating_ = true;
    ratio_->setValue(int(std::lround(std::min(1.0, t.missRatio) * kSliderSteps)));
    topG_->setValue(t.topG);
    endG_->setValue(t.endG);
    distance_->setValue(std::isfinite(t.distance) ? t.distance : distance_->maximum());
    updating_ = false;
    current_ = t;
    recompute();
}

Confusion ResultsPage::logbertConfusion() const {
    return run_.result ? detectorReports(run_.result->sessions, current_).front().test : Confusion{}; // the table's row 0
}

QString ResultsPage::verdict() const {
    return run_.result ? QString::fromStdString(verdictText(run_.result->sessions, current_)) : QString();
}

void ResultsPage::plotSweeps() {
    f1Chart_->removeAllSeries();
    prChart_->removeAllSeries();
    const auto& sweep = run_.result->missSweep;
    QVector<double> r, f1, recall, precision;
    for (const auto& p : sweep) {
        r << p.threshold;
        f1 << p.test.f1();
        recall << p.test.recall();
        precision << p.test.precision();
    }
    const int f1Series = f1Chart_->addSeries("F1", QColor(44, 160, 44));
    f1Chart_->setSeriesData(f1Series, r, f1);
    f1Marker_ = f1Chart_->addSeries("current r", QColor(214, 39, 40), true);
    const int prSeries = prChart_->addSeries("r sweep", QColor(31, 119, 180));
    prChart_->setSeriesData(prSeries, recall, precision, /*sortedByX=*/false);
    prMarker_ = prChart_->addSeries("current r", QColor(214, 39, 40), true);
}

void ResultsPage::placeMarkers(const Confusion& c) {
    f1Chart_->setSeriesData(f1Marker_, {current_.missRatio}, {c.f1()});
    prChart_->setSeriesData(prMarker_, {c.recall()}, {c.precision()});
}

void ResultsPage::recompute() {
    if (!run_.result) return;
    ratioLabel_->setText(QString::number(current_.missRatio, 'f', 3));
    // Every row and the verdict at the controls' thresholds, from the engine's one definition.
    const auto detectors = detectorReports(run_.result->sessions, current_);
    const EvaluationResult& r = *run_.result;
    title_->setText(QString("<b>%1</b> <span style='color:gray'>(%2)</span><br>test: %3 normal, %4 anomalous sessions · %5")
                        .arg(run_.runDir.toHtmlEscaped(), run_.source.toHtmlEscaped()).arg(r.testNormal).arg(r.testAnomaly)
                        .arg(verdict().toHtmlEscaped()));
    for (int i = 0; i < int(detectors.size()); ++i) {
        const Confusion c = detectors[std::size_t(i)].test;
        if (i == 0) placeMarkers(c);
        const QVariantList values{qulonglong(c.tp), qulonglong(c.fp), qulonglong(c.fn), qulonglong(c.tn),
                                  c.precision(), c.recall(), c.f1(), c.fpr(), c.accuracy(), c.specificity()};
        for (int k = 0; k < values.size(); ++k) {
            const QString text = k < 4 ? values[k].toString() : QString::number(values[k].toDouble(), 'f', k == 7 ? 5 : 4);
            metrics_->setItem(i, k + 1, new QTableWidgetItem(text));
        }
    }
    // Flags in the table follow the thresholds.
    for (int row = 0; row < sessionsModel_->rowCount(); ++row) {
        const int i = sessionsModel_->item(row, kSession)->data(kRowRole).toInt();
        const ScoredSession& s = run_.result->sessions[std::size_t(i)];
        const bool flagged = current_.flags(s.score);
        const auto misses = s.score.missesAt(current_.topG);
        sessionsModel_->item(row, kMisses)->setText(QString::number(misses));
        sessionsModel_->item(row, kMisses)->setData(misses, Qt::UserRole);
        sessionsModel_->item(row, kFlagged)->setText(flagged ? "yes" : "");
        sessionsModel_->item(row, kFlagged)->setData(int(flagged), Qt::UserRole);
        const QString outcome = categoryOf(s.label == Label::Anomaly, flagged);
        sessionsModel_->item(row, kOutcome)->setText(outcome);
        sessionsModel_->item(row, kOutcome)->setData(outcome, Qt::UserRole);
    }
    proxy_->invalidate();
    renderSessionDetail();
}

int ResultsPage::visibleSessions() const { return proxy_->rowCount(); }

QString ResultsPage::sessionCell(int visibleRow, const QString& column) const {
    for (int c = 0; c < sessionsModel_->columnCount(); ++c)
        if (sessionsModel_->horizontalHeaderItem(c)->text() == column) return proxy_->index(visibleRow, c).data().toString();
    return {};
}

void ResultsPage::filterCategory(const QString& category) { category_->setCurrentText(category); }

void ResultsPage::showSession(int visibleRow) {
    if (!run_.result || visibleRow < 0 || visibleRow >= proxy_->rowCount()) return;
    const auto session = std::size_t(proxy_->index(visibleRow, kSession).data(kRowRole).toInt());
    // The table re-selecting the session on show (a filter or sort moved its row) keeps its lines.
    if (session == shownSession_ && (shownLines_ || rawLineLoader_->isLoading())) return;
    shownSession_ = session;
    shownLines_.reset();
    renderSessionDetail();
    // The raw lines arrive from a worker thread (a multi-GB log must not block the window).
    const ScoredSession& s = run_.result->sessions[shownSession_];
    if (!run_.dataset->sessions[s.index].lines.empty()) rawLineLoader_->load(run_, {s.index}, kRawLinesShown);
}

void ResultsPage::renderSessionDetail() {
    if (!run_.result || shownSession_ >= run_.result->sessions.size()) return;
    const ScoredSession& s = run_.result->sessions[shownSession_];
    QString html = sessionSummaryHtml(*run_.dataset, s, current_);
    if (!run_.dataset->sessions[s.index].lines.empty())
        html += "<h4>Raw log lines</h4>" + (shownLines_ ? sessionLinesHtml(*run_.dataset, s, current_, *shownLines_)
                                                       : QString("<p style='color:gray'>reading…</p>"));
    const int scroll = detail_->verticalScrollBar()->value(); // a threshold move keeps the reader's place
    detailHtml_ = html;
    detail_->setHtml(html);
    detail_->verticalScrollBar()->setValue(scroll);
}

void ResultsPage::showRawLines(const SessionLinesMap& lines) {
    if (!run_.result || shownSession_ >= run_.result->sessions.size()) return;
    auto it = lines.find(run_.result->sessions[shownSession_].index);
    if (it == lines.end()) return; // an answer for a session no longer shown
    shownLines_ = it->second;
    renderSessionDetail();
    emit rawLinesShown();
}

QString ResultsPage::sessionDetailHtml() const { return detailHtml_; }

void ResultsPage::exportReportInteractively() {
    if (!run_.result) {
        emit statusMessage("Open an evaluated run first.");
        return;
    }
    QString html = QFileDialog::getSaveFileName(this, "Export report", QDir(run_.runDir).filePath("report.html"),
                                                "HTML (*.html)");
    if (html.isEmpty()) return;
    if (!html.endsWith(".html")) html += ".html";
    exportReportTo(html);
}

void ResultsPage::exportReportTo(const QString& htmlPath) {
    if (!run_.result) return;
    reportPath_ = htmlPath;
    emit statusMessage("report: reading the flagged sessions' log lines…");
    reportLineLoader_->load(run_, reportSessionIndices(*run_.result), kReportLines);
}

void ResultsPage::writeReport(const SessionLinesMap& lines) {
    const QString html = reportPath_;
    const QString pdf = html.left(html.size() - 5) + ".pdf";
    QString error;
    if (exportReport(run_, lines, html, pdf, error)) {
        emit statusMessage("report: " + html + " and " + pdf);
        emit reportExported(html);
    } else {
        emit statusMessage(error);
        emit reportFailed(error);
        if (isVisible() && !signalsBlocked() && receivers(SIGNAL(reportFailed(QString))) == 0)
            QMessageBox::warning(this, "Export report", error);
    }
}

} // namespace logbert::gui
