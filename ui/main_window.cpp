// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPolygonF>
#include <QPixmap>
#include <QPainter>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QUrl>

#include "app/adapters/demo_data_writer.h"
#include "ui/compare_page.h"
#include "ui/datasets_page.h"
#include "ui/results_page.h"
#include "ui/run_page.h"
#include "ui/welcome_page.h"
#include "ui/workbench_style.h"

namespace logbert::gui {

namespace {
/// The Run page's sidebar icon: a play triangle in `color`.
QIcon playIcon(const QColor& color) {
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawPolygon(QPolygonF({QPointF(8, 5), QPointF(27, 16), QPointF(8, 27)}));
    return QIcon(pixmap);
}
} // namespace

MainWindow::MainWindow(const QString& workspace, QWidget* parent)
    : QMainWindow(parent), workspace_(workspace), sidebar_(new QListWidget), pages_(new QStackedWidget),
      welcomePage_(new WelcomePage(QDir(workspace).filePath("runs"))), datasetsPage_(new DatasetsPage(workspace)), runPage_(new RunPage(workspace)), resultsPage_(new ResultsPage),
      comparePage_(new ComparePage(QDir(workspace).filePath("runs"))), demoWriter_(new DemoDataWriter(this)) {
    connect(demoWriter_, &DemoDataWriter::finished, this, &MainWindow::showDemoDataset);
    connect(demoWriter_, &DemoDataWriter::failed, this, [this](const QString& error) {
        statusBar()->showMessage("demo dataset: " + error);
        QMessageBox::warning(this, "Demo dataset", error);
    });
    setWindowTitle("LogBERT Workbench");
    sidebar_->setFixedWidth(140);
    sidebar_->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_DirHomeIcon), "Welcome"));
    sidebar_->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_DirOpenIcon), "Datasets"));
    sidebar_->addItem(new QListWidgetItem(playIcon(palette().color(QPalette::WindowText)), "Run"));
    sidebar_->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_FileDialogDetailedView), "Results"));
    sidebar_->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_FileDialogListView), "Compare"));
    pages_->addWidget(welcomePage_);
    pages_->addWidget(datasetsPage_);
    pages_->addWidget(runPage_);
    pages_->addWidget(resultsPage_);
    pages_->addWidget(comparePage_);
    connect(comparePage_, &ComparePage::openRunRequested, this, &MainWindow::openRun);
    connect(welcomePage_, &WelcomePage::demoAndTrainRequested, this, &MainWindow::openDemoAndTrain);
    connect(welcomePage_, &WelcomePage::openDataRequested, this, [this](const QString& path) {
        const QString f = !path.isEmpty() ? path
                                          : QFileDialog::getOpenFileName(this, "Data YAML", workspace_, "YAML (*.yaml *.yml)");
        if (!f.isEmpty()) showDataFile(f);
    });
    connect(welcomePage_, &WelcomePage::openRunRequested, this, [this](const QString& path) {
        const QString dir = !path.isEmpty() ? path : QFileDialog::getExistingDirectory(this, "Run folder", QDir(workspace_).filePath("runs"));
        if (!dir.isEmpty()) openRun(dir);
    });
    connect(datasetsPage_, &DatasetsPage::useForTraining, this, [this](const QString& dataFile) {
        runPage_->setDataFile(dataFile);
        showPage("Run");
    });
    connect(resultsPage_, &ResultsPage::evaluated, comparePage_, &ComparePage::refresh);
    connect(sidebar_, &QListWidget::currentRowChanged, pages_, &QStackedWidget::setCurrentIndex);
    connect(pages_, &QStackedWidget::currentChanged, this, [this] {
        if (pages_->currentWidget() == welcomePage_) welcomePage_->refresh(); // runs and data files may have come since
    });
    sidebar_->setCurrentRow(0);
    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(sidebar_);
    layout->addWidget(pages_, 1);
    setCentralWidget(central);
    connect(runPage_, &RunPage::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(runPage_, &RunPage::runFinished, this, [this](const QString& dir, bool completed) {
        statusBar()->showMessage("run folder: " + dir);
        comparePage_->refresh();
        if (completed) openRun(dir); // evaluate and show the results
    });
    connect(runPage_, &RunPage::evaluationLanded, this, [this](const QString& dir) {
        resultsPage_->openRun(dir); // the saved evaluation, as the other process wrote it
        comparePage_->refresh();
        statusBar()->showMessage("results of " + dir + " are ready on the Results page", 8000);
    });
    connect(resultsPage_, &ResultsPage::statusMessage, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    buildMenus();
    setAcceptDrops(true);
    statusBar()->showMessage("workspace: " + workspace_);
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    if (!settings.contains("window/geometry")) {
        // 1400 x 900, or what the screen has room for (a 13-inch laptop at 1280 x 800).
        QSize size(1400, 900);
        if (const QScreen* s = screen()) size = size.boundedTo(s->availableGeometry().size());
        resize(size);
    }
    // Every named splitter of the pages keeps where the user left it.
    for (auto* splitter : findChildren<QSplitter*>())
        if (!splitter->objectName().isEmpty())
            splitter->restoreState(settings.value("layout/" + splitter->objectName()).toByteArray());
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu("&File");
    QAction* open = file->addAction("&Open data YAML…", this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, "Data YAML", workspace_, "YAML (*.yaml *.yml)");
        if (!f.isEmpty()) showDataFile(f);
    });
    open->setShortcut(QKeySequence::Open);
    recentMenu_ = file->addMenu("Open &recent");
    updateRecentMenu();
    file->addAction("Open the &demo dataset", this, &MainWindow::openDemoDataset);
    file->addAction("Open a &run folder…", this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, "Run folder", QDir(workspace_).filePath("runs"));
        if (!dir.isEmpty()) openRun(dir);
    })->setShortcut(QKeySequence("Ctrl+Shift+O"));
    file->addAction("&Export report…", resultsPage_, &ResultsPage::exportReportInteractively)
        ->setShortcut(QKeySequence("Ctrl+E"));
    file->addSeparator();
    QAction* quit = file->addAction("&Quit", this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* training = menuBar()->addMenu("&Training");
    training->addAction("&Start", runPage_, &RunPage::start)->setShortcut(QKeySequence("Ctrl+R"));
    training->addAction("&Pause / resume", runPage_, &RunPage::togglePause)->setShortcut(QKeySequence("Ctrl+P"));
    training->addAction("S&top", runPage_, &RunPage::stop)->setShortcut(QKeySequence("Ctrl+."));

    QMenu* view = menuBar()->addMenu("&View");
    for (int i = 0; i < sidebar_->count(); ++i) {
        const QString name = sidebar_->item(i)->text();
        view->addAction(name, this, [this, name] { showPage(name); })->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
    }
    view->addSeparator();
    QAction* dark = view->addAction("&Dark palette");
    dark->setCheckable(true);
    dark->setChecked(QSettings().value("view/dark", false).toBool());
    connect(dark, &QAction::toggled, this, &MainWindow::setDarkPalette);
    setDarkPalette(dark->isChecked());

    menuBar()->addMenu("&Help")->addAction("&About", this, [this] {
        QMessageBox::about(this, "LogBERT Workbench",
                           QString("LogBERT Workbench %1 — log anomaly detection with LogBERT.\nQt %2. GPL-3.0-or-later.")
                               .arg(LOGBERT_VERSION, qVersion()));
    });
}

void MainWindow::openDemoDataset() {
    statusBar()->showMessage("writing the demo dataset…");
    demoWriter_->start(QDir(workspace_).filePath("demo"));
}

void MainWindow::showDemoDataset(const QString& dir) {
    openDataFile(QDir(dir).filePath("demo.yaml"));
    datasetsPage_->addInputs({QDir(dir).filePath("HDFS_demo.log")});
    datasetsPage_->setFormat("hdfs");
    datasetsPage_->setLabelFile(QDir(dir).filePath("anomaly_label.csv"));
    datasetsPage_->setDataNote(DemoDataWriter::note(), QDir(dir).filePath("HDFS_demo.log"));
    datasetsPage_->load();
    statusBar()->showMessage("demo dataset: " + dir, 8000);
    emit demoDatasetOpened();
}

void MainWindow::openDataFile(const QString& path) {
    runPage_->setDataFile(path);
    rememberDataFile(path);
}

void MainWindow::showDataFile(const QString& path) {
    openDataFile(path);
    showPage("Run"); // the page whose form it fills, where its error (if any) shows
    const QString error = runPage_->formError();
    if (!error.isEmpty()) statusBar()->showMessage(error, 15000);
}

void MainWindow::rememberDataFile(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("recent/data").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 8) recent.removeLast();
    settings.setValue("recent/data", recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    if (!recentMenu_) return;
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recent/data").toStringList();
    for (const QString& path : recent) recentMenu_->addAction(path, this, [this, path] { showDataFile(path); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::openDemoAndTrain() {
    connect(this, &MainWindow::demoDatasetOpened, this, [this] {
        showPage("Run");
        runPage_->start();
    }, Qt::SingleShotConnection);
    openDemoDataset();
}

QString MainWindow::currentPage() const {
    const auto* item = sidebar_->currentItem();
    return item ? item->text() : QString();
}

void MainWindow::showPage(const QString& name) {
    for (int i = 0; i < sidebar_->count(); ++i)
        if (sidebar_->item(i)->text().compare(name, Qt::CaseInsensitive) == 0) sidebar_->setCurrentRow(i);
}

void MainWindow::openRun(const QString& path) {
    const QString runDir = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    const RunActivity activity = runActivity(runDir);
    if (activity.state == RunActivity::State::NotARun) {
        statusBar()->showMessage(runDir + ": not a run folder (it has no config.yaml)", 8000);
        return;
    }
    comparePage_->watchFolder(runDir);
    const bool ownTraining = runPage_->runner()->isRunning();
    if (activity.state == RunActivity::State::Finished) {
        if (!ownTraining) runPage_->follow(runDir); // its curves, for a look at how it trained
        resultsPage_->openRun(runDir);
        sidebar_->setCurrentRow(pages_->indexOf(resultsPage_));
        return;
    }
    if (activity.state == RunActivity::State::Running && activity.writtenHere) { // this window's own run
        sidebar_->setCurrentRow(pages_->indexOf(runPage_));
        return;
    }
    if (runPage_->follow(runDir)) sidebar_->setCurrentRow(pages_->indexOf(runPage_));
    statusBar()->showMessage(runDir + ": " + QString::fromStdString(activity.text()), 8000);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) return event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        const QFileInfo f(url.toLocalFile());
        if (f.isDir()) openRun(f.filePath());
        else if (f.suffix() == "yaml" || f.suffix() == "yml") showDataFile(f.filePath());
        else statusBar()->showMessage(f.filePath() + ": drop a run folder or a data YAML", 8000);
    }
    event->acceptProposedAction();
}

void MainWindow::setDarkPalette(bool dark) {
    QSettings().setValue("view/dark", dark);
    qApp->setStyle(new WorkbenchStyle);
    QPalette p;
    if (dark) {
        p.setColor(QPalette::Window, QColor(45, 45, 48));
        p.setColor(QPalette::WindowText, Qt::white);
        p.setColor(QPalette::Base, QColor(30, 30, 30));
        p.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
        p.setColor(QPalette::Text, Qt::white);
        p.setColor(QPalette::Button, QColor(55, 55, 58));
        p.setColor(QPalette::ButtonText, Qt::white);
        p.setColor(QPalette::Highlight, QColor(42, 130, 218));
        p.setColor(QPalette::HighlightedText, Qt::black);
        // Disabled controls must look disabled (a running job locks the form and Start).
        const QColor grey(125, 125, 128);
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            p.setColor(QPalette::Disabled, role, grey);
        p.setColor(QPalette::Disabled, QPalette::Base, QColor(40, 40, 42));
        p.setColor(QPalette::Disabled, QPalette::Button, QColor(50, 50, 52));
    } else {
        p = qApp->style()->standardPalette();
    }
    qApp->setPalette(p);
    // The style's play icon is black: on the dark sidebar it vanished. Drawn in the text colour.
    if (sidebar_->count() > 2) sidebar_->item(2)->setIcon(playIcon(p.color(QPalette::WindowText)));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (askBeforeClosing_ && runPage_->runner()->isRunning()) {
        // Closing stops the run; say so and let the user keep training instead.
        QMessageBox ask(QMessageBox::Question, "Training is running",
                        "Closing the window stops training " + runPage_->runner()->runDir() +
                            ".\nIts checkpoint keeps the progress: Resume run on the Run page (or logbert train "
                            "--resume) continues it later.",
                        QMessageBox::NoButton, this);
        ask.setObjectName("closeWhileTraining");
        QPushButton* stop = ask.addButton("Stop and close", QMessageBox::DestructiveRole);
        ask.addButton("Keep training", QMessageBox::RejectRole);
        ask.exec();
        if (ask.clickedButton() != stop) {
            event->ignore();
            return;
        }
        statusBar()->showMessage("stopping: saving a checkpoint …");
    }
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    for (auto* splitter : findChildren<QSplitter*>())
        if (!splitter->objectName().isEmpty()) settings.setValue("layout/" + splitter->objectName(), splitter->saveState());
    QMainWindow::closeEvent(event); // the RunPage's runner stops and joins when it is destroyed
}

} // namespace logbert::gui
