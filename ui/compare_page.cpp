// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/compare_page.h"

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
#include <cmath>
#include <map>
#include <set>

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
      memoryChart_(new LiveChart), cost_(table()),
      diff_(table()) {
    runs_->setToolTip("Check runs to compare them; double-click one to open its results.");
    connect(runs_, &QListWidget::itemChanged, this, [this] { compare(); });
    connect(runs_, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { emit openRunRequested(item->data(Qt::UserRole).toString()); });
    auto* refreshButton = new QPushButton("Refresh");
    connect(refreshButton, &QPushButton::clicked, this, &ComparePage::refresh);
    auto* left = new QVBoxLayout;
    left->addWidget(new QLabel("Runs"));
    left->addWidget(runs_, 1);
    left->addWidget(refreshButton);
    auto* leftWidget = new QWidget;
    leftWidget->setLayout(left);

    chart_->setTitle("Validation loss per epoch");
    chart_->setAxisLabels("epoch", "validation loss");
    auto* right = new QSplitter(Qt::Vertical);
    right->setObjectName("compare.right");
    charts_->addTab(chart_, "Validation loss");
    charts_->addTab(memoryChart_, "Memory");
    right->addWidget(charts_);
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
    if (firstTime) // start by comparing the two newest runs
        for (int i = 0; i < folders.size() && i < 2; ++i) checked.insert(folders[i]);
    for (const QString& path : folders) {
        if (!firstTime && !known.count(path)) checked.insert(path); // a run made since: compare it too
        auto* item = new QListWidgetItem(QDir(path).dirName());
        item->setData(Qt::UserRole, path);
        if (watched_.contains(path)) item->setText(QDir(path).dirName() + "  (" + QFileInfo(path).absolutePath() + ")");
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

void ComparePage::compare() {
    QStringList checkedRuns;
    for (int i = 0; i < runs_->count(); ++i)
        if (runs_->item(i)->checkState() == Qt::Checked) checkedRuns << runs_->item(i)->data(Qt::UserRole).toString();
    followRunning(checkedRuns);
    std::vector<RunSummary> runs;
    std::vector<RunActivity> activities;
    QStringList names;
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
            activities.push_back(followed->second->tail().activity());
        } else {
            activities.push_back(runActivity(path));
        }
        runs.push_back(std::move(*summary));
        names << runs_->item(i)->text();
        runs_->item(i)->setToolTip(QString::fromStdString(activities.back().text()));
    }
    // Overlaid curves: one series per run (the chart's series are rebuilt on every change).
    auto* fresh = new LiveChart;
    fresh->setTitle("Validation loss per epoch");
    fresh->setAxisLabels("epoch", "validation loss");
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const int series = fresh->addSeries(names[int(r)], kPalette[r % 8], true);
        for (const auto& row : runs[r].metrics)
            if (row.kind == MetricsRow::Kind::Epoch && std::isfinite(row.validationLoss))
                fresh->append(series, row.epoch, row.validationLoss);
    }
    replaceChart(chart_, fresh);

    // Resident memory as each training sampled it (resources.csv): the same for a CLI run.
    auto* memory = new LiveChart;
    memory->setTitle("Resident memory of the training process (resources.csv)");
    memory->setAxisLabels("seconds", "MiB");
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const int series = memory->addSeries(names[int(r)], kPalette[r % 8]);
        QVector<double> x, y;
        for (const auto& row : runs[r].resources) x << row.elapsedSeconds, y << row.rssMegabytes;
        memory->setSeriesData(series, x, y);
    }
    replaceChart(memoryChart_, memory);

    // Cost figures are the training's own (run.json), whichever process ran it.
    const QStringList rows{"status", "parameters", "epochs", "steps", "training time", "sequences/s", "tokens/s",
                           "training memory", "process peak RSS", "device / threads", "precision", "recall", "F1", "FPR"};
    cost_->clear();
    cost_->setRowCount(rows.size());
    cost_->setColumnCount(int(runs.size()));
    cost_->setVerticalHeaderLabels(rows);
    cost_->setHorizontalHeaderLabels(names);
    for (int c = 0; c < int(runs.size()); ++c) {
        const RunSummary& s = runs[std::size_t(c)];
        const RunInfo& i = s.info;
        auto metric = [&](double v) { return s.evaluated ? QString::number(v, 'f', 4) : QString("not evaluated"); };
        const QStringList values{QString::fromStdString(activities[std::size_t(c)].shortText()),
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
        for (int r = 0; r < values.size(); ++r) cost_->setItem(r, c, new QTableWidgetItem(values[r]));
    }

    // Config keys whose values differ between the checked runs.
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::string>> values;
    for (std::size_t r = 0; r < runs.size(); ++r)
        for (const auto& [key, value] : runs[r].config) {
            auto& v = values[key];
            if (v.empty()) {
                order.push_back(key);
                v.assign(runs.size(), "—");
            }
            v[r] = value;
        }
    diff_->clear();
    diff_->setRowCount(0); // clear() keeps the rows of the previous comparison
    diff_->setColumnCount(int(runs.size()));
    diff_->setHorizontalHeaderLabels(names);
    QStringList differing;
    for (const auto& key : order) {
        const auto& v = values[key];
        if (std::all_of(v.begin(), v.end(), [&](const std::string& x) { return x == v.front(); })) continue;
        differing << QString::fromStdString(key);
        const int row = diff_->rowCount();
        diff_->insertRow(row);
        for (int c = 0; c < int(v.size()); ++c) diff_->setItem(row, c, new QTableWidgetItem(QString::fromStdString(v[std::size_t(c)])));
    }
    diff_->setVerticalHeaderLabels(differing);
}

} // namespace logbert::gui
