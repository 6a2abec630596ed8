// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/compare_page.h"

#include <QComboBox>
#include <QIcon>
#include <QInputDialog>
#include <QMessageBox>
#include <QPixmap>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "widgets/bar_chart.h"
#include "widgets/live_chart.h"

namespace logbert::gui {

namespace {
const QColor kPalette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                           QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127)};

QString minutes(double seconds) {
    const long s = std::lround(seconds);
    return s >= 60 ? QString("%1 m %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0')) : QString("%1 s").arg(s);
}

QTableWidget* table() {
    auto* t = new QTableWidget;
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return t;
}
} // namespace

ComparePage::ComparePage(const QString& runsFolder, QWidget* parent)
    : QWidget(parent), runsFolder_(runsFolder), runs_(new QListWidget), charts_(new QTabWidget), chart_(new LiveChart),
      curvesChart_(new LiveChart), memoryChart_(new LiveChart), bars_(new BarChart), metric_(new QComboBox),
      warning_(new QLabel), cost_(table()), diff_(table()) {
    runs_->setToolTip("Check runs to compare them; double-click one to open its results.");
    connect(runs_, &QListWidget::itemChanged, this, [this] { compare(); });
    connect(runs_, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { emit openRunRequested(item->data(Qt::UserRole).toString()); });
    auto* refreshButton = new QPushButton("Refresh");
    connect(refreshButton, &QPushButton::clicked, this, &ComparePage::refresh);
    auto* renameButton = new QPushButton("Rename…");
    renameButton->setToolTip("Give the selected run a name (kept in its folder as name.txt).");
    connect(renameButton, &QPushButton::clicked, this, &ComparePage::renameSelected);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(renameButton);
    buttons->addWidget(refreshButton);
    auto* left = new QVBoxLayout;
    left->addWidget(new QLabel("Runs"));
    left->addWidget(runs_, 1);
    left->addLayout(buttons);
    auto* leftWidget = new QWidget;
    leftWidget->setLayout(left);

    chart_->setTitle("Validation loss per epoch");
    chart_->setAxisLabels("epoch", "validation loss");
    auto* right = new QSplitter(Qt::Vertical);
    right->setObjectName("compare.right");
    charts_->addTab(curvesChart_, "Loss");
    charts_->addTab(chart_, "Validation loss per epoch");
    charts_->addTab(memoryChart_, "Memory");
    metric_->addItems({"F1", "precision", "recall"});
    connect(metric_, &QComboBox::currentTextChanged, this, [this] { compare(); });
    auto* detection = new QWidget;
    auto* detectionLayout = new QVBoxLayout(detection);
    detectionLayout->setContentsMargins(0, 0, 0, 0);
    auto* metricRow = new QHBoxLayout;
    metricRow->addWidget(new QLabel("Metric on the test split:"));
    metricRow->addWidget(metric_);
    metricRow->addStretch(1);
    detectionLayout->addLayout(metricRow);
    detectionLayout->addWidget(bars_, 1);
    charts_->addTab(detection, "Detection");
    warning_->setWordWrap(true);
    warning_->setVisible(false);
    warning_->setStyleSheet("QLabel { background: #fff3cd; color: #5c4400; padding: 4px; border-radius: 3px; }");
    auto* chartsBox = new QWidget;
    auto* chartsLayout = new QVBoxLayout(chartsBox);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(warning_);
    chartsLayout->addWidget(charts_, 1);
    right->addWidget(chartsBox);
    right->addWidget(cost_);
    auto* diffBox = new QWidget;
    auto* diffLayout = new QVBoxLayout(diffBox);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->addWidget(new QLabel("Config: only what differs"));
    diffLayout->addWidget(diff_);
    right->addWidget(diffBox);
    auto* split = new QSplitter;
    split->setObjectName("compare.split");
    split->addWidget(leftWidget);
    split->addWidget(right);
    split->setStretchFactor(1, 3);
    split->setSizes({260, 1100});
    right->setSizes({420, 330, 200});
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(split);

    watched_ = QSettings().value("compare/watched").toStringList();
    // Folder notices come in bursts (a run writes several files at its start): one refresh each.
    refreshSoon_.setSingleShot(true);
    refreshSoon_.setInterval(500);
    connect(&refreshSoon_, &QTimer::timeout, this, &ComparePage::refresh);
    compareSoon_.setSingleShot(true);
    compareSoon_.setInterval(1000); // live curves redraw at most once a second
    connect(&compareSoon_, &QTimer::timeout, this, &ComparePage::compare);
    QDir().mkpath(runsFolder_);
    runsWatcher_.addPath(runsFolder_);
    connect(&runsWatcher_, &QFileSystemWatcher::directoryChanged, this, [this] { refreshSoon_.start(); });
    refresh();
}

void ComparePage::watchFolder(const QString& runDir) {
    const QString dir = QDir::cleanPath(runDir);
    if (QFileInfo(dir).absolutePath() == QFileInfo(runsFolder_).absoluteFilePath()) {
        refresh(); // in the workspace: listed anyway
        setChecked(dir, true);
        return;
    }
    if (!watched_.contains(dir)) {
        watched_.prepend(dir);
        while (watched_.size() > 32) watched_.removeLast();
        QSettings().setValue("compare/watched", watched_);
    }
    refresh();
    setChecked(dir, true);
}

void ComparePage::replaceChart(LiveChart*& slot, LiveChart* fresh) {
    const int index = charts_->indexOf(slot), current = charts_->currentIndex();
    const QString title = charts_->tabText(index);
    charts_->removeTab(index);
    charts_->insertTab(index, fresh, title);
    charts_->setCurrentIndex(current);
    slot->deleteLater();
    slot = fresh;
}

int ComparePage::runCount() const { return runs_->count(); }

void ComparePage::refresh() {
    std::set<QString> checked, known;
    for (int i = 0; i < runs_->count(); ++i) {
        const QString path = runs_->item(i)->data(Qt::UserRole).toString();
        known.insert(path);
        if (runs_->item(i)->checkState() == Qt::Checked) checked.insert(path);
    }
    const bool firstTime = runs_->count() == 0;
    const QSignalBlocker block(runs_);
    runs_->clear();
    QStringList folders = runFolders(runsFolder_);
    for (const QString& w : watched_)
        if (QFileInfo::exists(QDir(w).filePath("config.yaml")) && !folders.contains(w)) folders << w;
    if (firstTime) // start by comparing the two newest runs that trained at all
        for (int i = 0, n = 0; i < folders.size() && n < 2; ++i)
            if (tickedAtFirst(folders[i])) checked.insert(folders[i]), ++n;
    for (const QString& path : folders) {
        if (!firstTime && !known.count(path) && tickedAtFirst(path)) checked.insert(path); // a run made since: compare it too
        auto* item = new QListWidgetItem(listedName(path));
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
        QPixmap swatch(12, 12);
        swatch.fill(runColor(path));
        item->setIcon(QIcon(swatch));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.count(path) ? Qt::Checked : Qt::Unchecked);
        runs_->addItem(item);
    }
    compare();
}

void ComparePage::setChecked(const QString& runDir, bool checked) {
    for (int i = 0; i < runs_->count(); ++i)
        if (runs_->item(i)->data(Qt::UserRole).toString() == runDir)
            runs_->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

void ComparePage::followRunning(const QStringList& checkedRuns) {
    for (auto it = followers_.begin(); it != followers_.end();) {
        const bool keep = checkedRuns.contains(it->first) &&
                          it->second->tail().activity().state == RunActivity::State::Running;
        if (keep) {
            ++it;
            continue;
        }
        it->second->deleteLater();
        it = followers_.erase(it);
    }
    for (const QString& path : checkedRuns) {
        if (followers_.count(path) || runActivity(path).state != RunActivity::State::Running) continue;
        auto* follower = new RunFollower(path, this);
        follower->pollNow();
        connect(follower, &RunFollower::changed, this, [this] {
            if (!compareSoon_.isActive()) compareSoon_.start();
        });
        followers_[path] = follower;
    }
}

bool ComparePage::tickedAtFirst(const QString& runDir) {
    QString error;
    const auto summary = readRunSummary(runDir, error, false);
    if (!summary) return true; // shown with its error
    const RunInfo& i = summary->info;
    return i.steps > 0 || runActivity(runDir).state == RunActivity::State::Running;
}

QColor ComparePage::runColor(const QString& runDir) {
    auto it = colorIndex_.find(runDir);
    if (it == colorIndex_.end()) {
        // The first colour no listed run has: ticking runs on and off never recolours one.
        std::set<int> used;
        for (const auto& [dir, index] : colorIndex_) used.insert(index);
        int index = 0;
        while (used.count(index)) ++index;
        it = colorIndex_.emplace(runDir, index).first;
    }
    const int i = it->second;
    const QColor base = kPalette[i % 8];
    return i < 8 ? base : base.darker(100 + 40 * (i / 8)); // past 8 runs: darker shades of the same
}

QString ComparePage::listedName(const QString& runDir) const {
    const QString name = runName(runDir);
    return watched_.contains(runDir) ? name + "  (" + QFileInfo(runDir).absolutePath() + ")" : name;
}

bool ComparePage::isChecked(const QString& runDir) const {
    for (int i = 0; i < runs_->count(); ++i)
        if (runs_->item(i)->data(Qt::UserRole).toString() == runDir) return runs_->item(i)->checkState() == Qt::Checked;
    return false;
}

bool ComparePage::renameRun(const QString& runDir, const QString& name, QString& error) {
    if (!logbert::gui::renameRun(runDir, name, error)) return false;
    refresh();
    return true;
}

void ComparePage::renameSelected() {
    QListWidgetItem* item = runs_->currentItem();
    if (!item) {
        QMessageBox::information(this, "Rename", "Select a run in the list first.");
        return;
    }
    const QString dir = item->data(Qt::UserRole).toString();
    bool ok = false;
    const QString name = QInputDialog::getText(this, "Rename run", "Name (empty: the folder's name, " + QDir(dir).dirName() + "):",
                                               QLineEdit::Normal, runName(dir), &ok);
    if (!ok) return;
    QString error;
    if (!renameRun(dir, name, error)) QMessageBox::warning(this, "Rename", error);
}

void ComparePage::setDetectionMetric(const QString& metric) { metric_->setCurrentText(metric); }

QString ComparePage::dataWarning() const { return warning_->text(); }

ComparePage::Compared ComparePage::readChecked() {
    Compared c;
    for (int i = 0; i < runs_->count(); ++i) {
        if (runs_->item(i)->checkState() != Qt::Checked) continue;
        const QString path = runs_->item(i)->data(Qt::UserRole).toString();
        const auto followed = followers_.find(path);
        QString error;
        // A run still training: its rows as the follower read them, never the whole file again.
        auto summary = readRunSummary(path, error, followed == followers_.end());
        if (!summary) {
            runs_->item(i)->setToolTip(error);
            continue;
        }
        if (followed != followers_.end()) {
            summary->metrics = followed->second->tail().metrics();
            summary->resources = followed->second->tail().resources();
            c.activities.push_back(followed->second->tail().activity());
        } else {
            c.activities.push_back(runActivity(path));
        }
        c.runs.push_back(std::move(*summary));
        c.names << runs_->item(i)->text();
        c.paths << path;
        c.colors << runColor(path);
        runs_->item(i)->setToolTip(path + "\n" + QString::fromStdString(c.activities.back().text()));
    }
    return c;
}

void ComparePage::compare() {
    QStringList checkedRuns;
    for (int i = 0; i < runs_->count(); ++i)
        if (runs_->item(i)->checkState() == Qt::Checked) checkedRuns << runs_->item(i)->data(Qt::UserRole).toString();
    followRunning(checkedRuns);
    const Compared c = readChecked();
    drawCurves(c);
    drawValidation(c);
    drawMemory(c);
    drawDetection(c);
    fillCost(c);
    fillDiff(c);
    warnDifferentData(c);
}

void ComparePage::drawCurves(const Compared& c) {
    // Each run in its colour: the training loss as a line, its validation losses as markers.
    auto* fresh = new LiveChart;
    fresh->setTitle("Training loss (line) and validation loss (markers) by step");
    fresh->setAxisLabels("step", "loss");
    for (std::size_t r = 0; r < c.runs.size(); ++r) {
        const int train = fresh->addSeries(c.names[int(r)] + " training", c.colors[int(r)]);
        const int validation = fresh->addSeries(c.names[int(r)] + " validation", c.colors[int(r)].darker(130), true);
        QVector<double> x, y, vx, vy;
        for (const auto& row : c.runs[r].metrics) {
            if (row.kind == MetricsRow::Kind::Step) x << double(row.step), y << row.loss;
            else if (std::isfinite(row.validationLoss)) vx << double(row.step), vy << row.validationLoss;
        }
        fresh->setSeriesData(train, x, y);
        fresh->setSeriesData(validation, vx, vy);
    }
    replaceChart(curvesChart_, fresh);
}

void ComparePage::drawValidation(const Compared& c) {
    auto* fresh = new LiveChart;
    fresh->setTitle("Validation loss per epoch");
    fresh->setAxisLabels("epoch", "validation loss");
    for (std::size_t r = 0; r < c.runs.size(); ++r) {
        const int series = fresh->addSeries(c.names[int(r)], c.colors[int(r)], true);
        for (const auto& row : c.runs[r].metrics)
            if (row.kind == MetricsRow::Kind::Epoch && std::isfinite(row.validationLoss))
                fresh->append(series, row.epoch, row.validationLoss);
    }
    replaceChart(chart_, fresh);
}

void ComparePage::drawMemory(const Compared& c) {
    // Resident memory as each training sampled it (resources.csv): the same for a CLI run.
    auto* memory = new LiveChart;
    memory->setTitle("Resident memory of the training process (resources.csv)");
    memory->setAxisLabels("seconds", "MiB");
    for (std::size_t r = 0; r < c.runs.size(); ++r) {
        const int series = memory->addSeries(c.names[int(r)], c.colors[int(r)]);
        QVector<double> x, y;
        for (const auto& row : c.runs[r].resources) x << row.elapsedSeconds, y << row.rssMegabytes;
        memory->setSeriesData(series, x, y);
    }
    replaceChart(memoryChart_, memory);
}

void ComparePage::drawDetection(const Compared& c) {
    // Detectors in results.json order (LogBERT, the baselines, combined), a bar per evaluated run.
    QStringList categories;
    std::vector<std::string> keys;
    for (const auto& run : c.runs)
        for (const auto& d : run.detectors)
            if (std::find(keys.begin(), keys.end(), d.key) == keys.end()) keys.push_back(d.key), categories << QString::fromStdString(d.name);
    const QString metric = metric_->currentText();
    QVector<QVector<double>> values;
    QStringList names;
    QVector<QColor> colors;
    for (std::size_t r = 0; r < c.runs.size(); ++r) {
        if (!c.runs[r].evaluated) continue;
        QVector<double> row(int(keys.size()), std::nan(""));
        for (const auto& d : c.runs[r].detectors) {
            const auto k = std::find(keys.begin(), keys.end(), d.key) - keys.begin();
            row[int(k)] = metric == "precision" ? d.precision : metric == "recall" ? d.recall : d.f1;
        }
        values << row;
        names << c.names[int(r)];
        colors << c.colors[int(r)];
    }
    bars_->setTitle(metric.left(1).toUpper() + metric.mid(1) + " on the test split per detector (evaluated runs)", metric);
    bars_->setData(categories, names, colors, values);
}

void ComparePage::fillCost(const Compared& c) {
    // Cost figures are the training's own (run.json), whichever process ran it.
    const QStringList rows{"status", "data", "sample ratio", "training sequences", "parameters", "epochs", "steps",
                           "training time", "sequences/s", "tokens/s", "training memory", "process peak RSS",
                           "device / threads", "precision", "recall", "F1", "FPR"};
    cost_->clear();
    cost_->setRowCount(rows.size());
    cost_->setColumnCount(int(c.runs.size()));
    cost_->setVerticalHeaderLabels(rows);
    cost_->setHorizontalHeaderLabels(c.names);
    for (int col = 0; col < int(c.runs.size()); ++col) {
        const RunSummary& s = c.runs[std::size_t(col)];
        const RunInfo& i = s.info;
        auto config = [&](const std::string& key) {
            const QString v = configValue(s, key);
            return v.isEmpty() ? QString("—") : v;
        };
        auto metric = [&](double v) { return s.evaluated ? QString::number(v, 'f', 4) : QString("not evaluated"); };
        const QStringList values{QString::fromStdString(c.activities[std::size_t(col)].shortText()),
                                 config("data.name"),
                                 config("data.sample_ratio"),
                                 QLocale().toString(qulonglong(i.trainSequences)),
                                 QLocale().toString(qlonglong(i.parameters)),
                                 QString("%1 / %2").arg(i.epochsDone).arg(i.numEpochs),
                                 QString::number(i.steps),
                                 minutes(i.trainingSeconds),
                                 QString::number(i.sequencesPerSecond, 'f', 1),
                                 QString::number(i.tokensPerSecond, 'f', 0),
                                 QString("%1 MiB").arg(i.trainingRssMegabytes, 0, 'f', 0),
                                 QString("%1 MiB").arg(i.peakRssMegabytes, 0, 'f', 0),
                                 QString("%1 / %2").arg(QString::fromStdString(i.device)).arg(i.threads),
                                 metric(s.precision), metric(s.recall), metric(s.f1), s.evaluated ? QString::number(s.fpr, 'f', 5) : QString()};
        for (int r = 0; r < values.size(); ++r) {
            auto* item = new QTableWidgetItem(values[r]);
            if (r == 1) item->setToolTip(config("data.inputs"));
            cost_->setItem(r, col, item);
        }
        auto* header = new QTableWidgetItem(c.names[col]);
        header->setForeground(c.colors[col]);
        header->setToolTip(c.paths[col]);
        cost_->setHorizontalHeaderItem(col, header);
    }
}

namespace {
/// Every config key of the compared runs in first-seen order, with each run's value ("—" where a
/// run lacks it), and whether the runs disagree on it.
struct ConfigRow {
    std::string key;
    std::vector<std::string> values;
    bool differs() const {
        return !std::all_of(values.begin(), values.end(), [&](const std::string& x) { return x == values.front(); });
    }
};
std::vector<ConfigRow> configRows(const std::vector<RunSummary>& runs) {
    std::vector<ConfigRow> rows;
    std::map<std::string, std::size_t> index;
    for (std::size_t r = 0; r < runs.size(); ++r)
        for (const auto& [key, value] : runs[r].config) {
            auto [it, added] = index.emplace(key, rows.size());
            if (added) rows.push_back({key, std::vector<std::string>(runs.size(), "—")});
            rows[it->second].values[r] = value;
        }
    return rows;
}
} // namespace

void ComparePage::fillDiff(const Compared& c) {
    // Config keys whose values differ between the checked runs.
    diff_->clear();
    diff_->setRowCount(0); // clear() keeps the rows of the previous comparison
    diff_->setColumnCount(int(c.runs.size()));
    diff_->setHorizontalHeaderLabels(c.names);
    QStringList differing;
    for (const ConfigRow& row : configRows(c.runs)) {
        if (!row.differs()) continue;
        differing << QString::fromStdString(row.key);
        const int r = diff_->rowCount();
        diff_->insertRow(r);
        for (int col = 0; col < int(row.values.size()); ++col)
            diff_->setItem(r, col, new QTableWidgetItem(QString::fromStdString(row.values[std::size_t(col)])));
    }
    diff_->setVerticalHeaderLabels(differing);
}

void ComparePage::warnDifferentData(const Compared& c) {
    // The data.* settings decide which sessions a run trains and validates on: when they differ,
    // two loss curves are measured on different sessions.
    QStringList differing;
    if (c.runs.size() > 1)
        for (const ConfigRow& row : configRows(c.runs))
            if (row.key.rfind("data.", 0) == 0 && row.differs()) differing << QString::fromStdString(row.key);
    warning_->setText(differing.isEmpty() ? QString()
                                          : "These runs were trained on different data (" + differing.join(", ") +
                                                " differ): their losses are measured on different sessions and do not "
                                                "compare one to one; compare them on the test metrics instead.");
    warning_->setVisible(!differing.isEmpty());
}

} // namespace logbert::gui
