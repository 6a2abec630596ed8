// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QListWidget;
class QStackedWidget;

namespace logbert::gui {

class ComparePage;
class DatasetsPage;
class ResultsPage;
class RunPage;
class WelcomePage;

/// Hosts the pages (a sidebar switches them), the menus, shortcuts and the status bar, and keeps
/// the window layout in QSettings. Pages own their state; this class only connects them.
class DemoDataWriter;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const QString& workspace, QWidget* parent = nullptr);

    WelcomePage* welcomePage() const { return welcomePage_; }
    DatasetsPage* datasetsPage() const { return datasetsPage_; }
    RunPage* runPage() const { return runPage_; }
    ResultsPage* resultsPage() const { return resultsPage_; }
    ComparePage* comparePage() const { return comparePage_; }
    /// Opens a run folder however far it got. A finished run opens on the Results page (evaluated
    /// in the background when it is not yet); one that another process writes, or that stopped,
    /// is followed on the Run page, and its results open when its evaluation lands. Either way the
    /// Compare page lists it.
    void openRun(const QString& runDir);
    /// Writes the built-in demo dataset into the workspace (if needed, in the background) and
    /// selects it; demoDatasetOpened follows.
    void openDemoDataset();
    void openDataFile(const QString& path);
    /// Opens a data YAML the user chose (File › Open, recent, drop, --data): the Run page shows,
    /// with the file's error on it when it has one.
    void showDataFile(const QString& path);
    void setDarkPalette(bool dark);
    /// Shows a page by its sidebar name ("Welcome", "Datasets", "Run", "Results", "Compare").
    void showPage(const QString& name);
    /// The sidebar name of the page on show.
    QString currentPage() const;
    /// The welcome page's one click: the demo dataset, then a test-preset run on it, live on the Run page.
    void openDemoAndTrain();
    /// Closing while training asks first (stop and keep the checkpoint, or keep training);
    /// off for screenshots, which close by themselves.
    void setAskBeforeClosing(bool ask) { askBeforeClosing_ = ask; }

signals:
    void demoDatasetOpened();

protected:
    void closeEvent(QCloseEvent* event) override;
    /// A run folder dropped on the window opens it; a YAML file opens it as data.
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    void showDemoDataset(const QString& dir);
    void rememberDataFile(const QString& path);
    void updateRecentMenu();

    QMenu* recentMenu_ = nullptr;

    QString workspace_;
    QListWidget* sidebar_;
    QStackedWidget* pages_;
    WelcomePage* welcomePage_;
    DatasetsPage* datasetsPage_;
    RunPage* runPage_;
    ResultsPage* resultsPage_;
    ComparePage* comparePage_;
    DemoDataWriter* demoWriter_;
    bool askBeforeClosing_ = true;
};

} // namespace logbert::gui
