// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/welcome_page.h"

#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

#include "app/adapters/run_summaries.h"

namespace logbert::gui {

namespace {
constexpr int kRecentRuns = 10;

QLabel* heading(const QString& text) {
    auto* label = new QLabel(text);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}
} // namespace

WelcomePage::WelcomePage(const QString& runsFolder, QWidget* parent)
    : QWidget(parent), runsFolder_(runsFolder), demo_(new QPushButton("Open the demo and train")),
      recentData_(new QListWidget), recentRuns_(new QListWidget) {
    setObjectName("welcome");
    auto* title = new QLabel("LogBERT Workbench");
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    title->setFont(big);
    auto* intro = new QLabel(
        "Train LogBERT on log data, watch it learn, and see which sessions it flags — next to the simple rules "
        "it has to beat. The demo is a synthetic HDFS-like log (4,000 blocks, 3% anomalous: some bring new log "
        "keys, some only put known ones out of order); its test-preset run takes about a minute on two cores.");
    intro->setWordWrap(true);
    demo_->setDefault(true);
    demo_->setMinimumHeight(demo_->sizeHint().height() * 3 / 2);
    demo_->setToolTip("Writes the demo dataset into the workspace, then starts a test-preset run on it (Run page)");
    auto* openData = new QPushButton("Open a data YAML…");
    auto* openRun = new QPushButton("Open a run folder…");
    connect(demo_, &QPushButton::clicked, this, &WelcomePage::demoAndTrainRequested);
    connect(openData, &QPushButton::clicked, this, [this] { emit openDataRequested({}); });
    connect(openRun, &QPushButton::clicked, this, [this] { emit openRunRequested({}); });
    connect(recentData_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { emit openDataRequested(item->data(Qt::UserRole).toString()); });
    connect(recentRuns_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { emit openRunRequested(item->data(Qt::UserRole).toString()); });

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(demo_);
    buttons->addWidget(openData);
    buttons->addWidget(openRun);
    buttons->addStretch();
    auto* lists = new QGridLayout;
    lists->addWidget(heading("Recent data files"), 0, 0);
    lists->addWidget(heading("Runs in this workspace"), 0, 1);
    lists->addWidget(recentData_, 1, 0);
    lists->addWidget(recentRuns_, 1, 1);
    auto* keys = new QLabel("Pages: Ctrl+1 Welcome · Ctrl+2 Datasets · Ctrl+3 Run · Ctrl+4 Results · Ctrl+5 Compare · "
                            "Ctrl+R start training · Ctrl+O open data · Ctrl+Shift+O open a run");
    keys->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 24, 24, 24);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addSpacing(12);
    layout->addLayout(lists, 1);
    layout->addWidget(keys);
    refresh();
}

void WelcomePage::refresh() {
    recentData_->clear();
    for (const QString& path : QSettings().value("recent/data").toStringList()) {
        auto* item = new QListWidgetItem(QFileInfo(path).fileName() + "  —  " + QFileInfo(path).absolutePath());
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
        if (!QFileInfo::exists(path)) item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
        recentData_->addItem(item);
    }
    if (recentData_->count() == 0) recentData_->addItem("(none yet: the demo, File › Open, or the Datasets page)");
    recentRuns_->clear();
    const QStringList runs = runFolders(runsFolder_);
    for (int i = 0; i < runs.size() && i < kRecentRuns; ++i) {
        const RunActivity a = runActivity(runs[i]);
        auto* item = new QListWidgetItem(QDir(runs[i]).dirName() + "  —  " + QString::fromStdString(a.text()));
        item->setData(Qt::UserRole, runs[i]);
        item->setToolTip(runs[i]);
        recentRuns_->addItem(item);
    }
    if (recentRuns_->count() == 0) recentRuns_->addItem("(none yet: runs you train appear here)");
}

} // namespace logbert::gui
