// SPDX-License-Identifier: GPL-3.0-or-later
// The first start (issue 12 §5): the window opens on the welcome page; one click on "Open the
// demo and train" gives a live run on the Run page; the run and the demo's data file then appear
// in the page's lists, and opening the stopped run from there offers to resume it; Ctrl+1..5
// switch pages.
#include <QAction>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "ui/main_window.h"
#include "ui/run_page.h"
#include "ui/welcome_page.h"
#include "widgets/live_chart.h"

using namespace logbert::gui;

class TestWelcomePage : public QObject {
    Q_OBJECT

    static QAction* actionWithShortcut(MainWindow& window, const QString& keys) {
        for (QAction* a : window.findChildren<QAction*>())
            if (a->shortcut() == QKeySequence(keys)) return a;
        return nullptr;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("logbert-test-welcome");
        QSettings().clear(); // a first start: nothing recent
    }

    void demoAndTrainInOneClick() {
        QTemporaryDir workspace;
        MainWindow window(workspace.path());
        QCOMPARE(window.currentPage(), QString("Welcome"));
        WelcomePage& welcome = *window.welcomePage();
        QCOMPARE(welcome.recentData()->count(), 1);
        QVERIFY(welcome.recentData()->item(0)->text().startsWith("(none yet"));
        QVERIFY(welcome.recentRuns()->item(0)->text().startsWith("(none yet"));

        // Shortcuts switch pages, in sidebar order.
        const QStringList pages{"Welcome", "Datasets", "Run", "Results", "Compare"};
        for (int i = pages.size() - 1; i >= 0; --i) {
            QAction* a = actionWithShortcut(window, QString("Ctrl+%1").arg(i + 1));
            QVERIFY2(a, qPrintable(pages[i]));
            a->trigger();
            QCOMPARE(window.currentPage(), pages[i]);
        }

        // One click: the demo dataset is written, the Run page shows, training runs live.
        RunPage& run = *window.runPage();
        QSignalSpy finished(run.runner(), &TrainingRunner::finished);
        welcome.demoButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(run.runner()->isRunning(), 30000);
        QCOMPARE(window.currentPage(), QString("Run"));
        QTRY_VERIFY_WITH_TIMEOUT(run.lossChart()->pointCount(run.lossSeries()) > 3, 60000);
        const QString runDir = run.runner()->runDir();
        run.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);

        // Back on the welcome page: the demo's data file and the stopped run are listed.
        window.showPage("Welcome");
        QCOMPARE(welcome.recentData()->count(), 1);
        QCOMPARE(welcome.recentData()->item(0)->data(Qt::UserRole).toString(), QDir(workspace.path()).filePath("demo/demo.yaml"));
        QCOMPARE(welcome.recentRuns()->count(), 1);
        QListWidgetItem* item = welcome.recentRuns()->item(0);
        QCOMPARE(item->data(Qt::UserRole).toString(), runDir);
        QVERIFY2(item->text().contains("stopped at epoch 1/2"), qPrintable(item->text()));

        // Opening it from there: followed on the Run page, with Resume on offer.
        emit welcome.recentRuns()->itemActivated(item);
        QCOMPARE(window.currentPage(), QString("Run"));
        QCOMPARE(run.followedRun(), runDir);
        QTRY_COMPARE_WITH_TIMEOUT(run.resumableRun(), runDir, 10000);
    }
};

QTEST_MAIN(TestWelcomePage)
#include "test_welcome_page.moc"
