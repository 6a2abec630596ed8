// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench following runs that other processes train, offscreen: a separate `logbert train`
// (one process, then two ranks with --nproc 2) is opened while it runs; the Run page's charts gain
// points as it appends to its logs, the status says "running elsewhere" and then "finished", every
// point equals its row in metrics.csv / resources.csv, the Results page opens the evaluation the
// process wrote, and the Compare page lists the folder and draws its curve.
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"
#include "test_support.h"
#include "ui/compare_page.h"
#include "ui/main_window.h"
#include "ui/results_page.h"
#include "ui/run_page.h"
#include "widgets/live_chart.h"

using namespace logbert;
using namespace logbert::gui;

class TestFollowRun : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString demo;
    QStringList small{"--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                      "--set", "model.num_attention_heads=2", "--set", "training.num_epochs=4",
                      "--set", "training.batch_size=16", "--set", "training.threads=1",
                      "--set", "training.log_every=1"};

    /// Trains `name` in another process (outside the workspace) and follows it in a window.
    void followTrainingProcess(const QString& name, const QStringList& extra) {
        const QString run = dir.filePath("elsewhere/" + name);
        MainWindow window(dir.filePath("workspace"));
        window.resize(1280, 800);
        window.show();
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(LOGBERT_CLI_PATH, QStringList{"train", demo + "/demo.yaml", "--out", run} + small + extra);
        QVERIFY(p.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo::exists(run); }, 60000));
        window.openRun(run);
        RunPage* page = window.runPage();
        QCOMPARE(page->followedRun(), run);

        // While the process runs, the loss chart gains points several times over.
        LiveChart* chart = page->lossChart();
        int seen = 0, growths = 0;
        bool saidRunning = false;
        while (p.state() != QProcess::NotRunning) {
            const int points = chart->pointCount(page->lossSeries());
            if (points > seen) {
                if (seen > 0) ++growths;
                seen = points;
            }
            saidRunning |= page->statusText().startsWith("running elsewhere: logbert train");
            QTest::qWait(100);
        }
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(growths >= 2, qPrintable(QString("the chart grew %1 times while the run trained").arg(growths)));
        QVERIFY2(saidRunning, qPrintable(page->statusText()));
        QTRY_VERIFY2_WITH_TIMEOUT(page->statusText().startsWith("finished: 4 epochs"), qPrintable(page->statusText()), 10000);
        QVERIFY(page->statusText().endsWith("· evaluated"));

        // Every point is its row in the finished files.
        const MetricsLog log = MetricsLog::load((run + "/metrics.csv").toStdString());
        QVector<double> loss;
        int epochRows = 0;
        for (const auto& r : log.rows()) {
            if (r.kind == MetricsRow::Kind::Step) loss << r.loss;
            else ++epochRows;
        }
        QCOMPARE(page->rawLoss(), loss);
        QCOMPARE(epochRows, 4);
        const auto resources = ResourceLog::load((run + "/resources.csv").toStdString()).rows();
        QCOMPARE(page->resourceChart()->pointCount(page->cpuSeries()), int(resources.size()));
        QCOMPARE(page->follower()->tail().bytesRead(),
                 std::uint64_t(QFileInfo(run + "/metrics.csv").size() + QFileInfo(run + "/resources.csv").size()));

        // The evaluation `train` wrote opens on the Results page; Compare lists the folder.
        QTRY_COMPARE_WITH_TIMEOUT(window.resultsPage()->run().runDir, run, 60000);
        QVERIFY(window.resultsPage()->run().result != nullptr);
        ComparePage* compare = window.comparePage();
        QVERIFY(compare->watchedFolders().contains(run));
        QTRY_COMPARE_WITH_TIMEOUT(compare->followedCount(), 0, 10000);
        compare->refresh();
        int runColumn = -1;
        for (int c = 0; c < compare->costTable()->columnCount(); ++c)
            if (compare->costTable()->horizontalHeaderItem(c)->text().startsWith(name + "  (")) runColumn = c;
        QVERIFY(runColumn >= 0);
        QCOMPARE(compare->costTable()->item(0, runColumn)->text(), QString("finished"));
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        demo = dir.filePath("demo");
        const auto r = testsupport::runCli({"demo-data", demo, "--sessions", "1200"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void followsACliRun() { followTrainingProcess("cli-run", {}); }

    void followsATwoRankRun() {
#ifndef LOGBERT_HAS_DISTRIBUTED
        QSKIP("SKIP: built without Gloo (libgloo-dev): no multi-rank training to follow");
#endif
        followTrainingProcess("two-ranks", {"--nproc", "2"});
    }

    /// Compare follows a checked run still training: its curve grows without a refresh.
    void compareUpdatesARunStillTraining() {
        QSettings().clear();
        const QString workspace = dir.filePath("workspace-compare");
        QDir().mkpath(workspace + "/runs");
        ComparePage page(workspace + "/runs");
        const QString run = workspace + "/runs/live";
        QProcess p;
        p.start(LOGBERT_CLI_PATH, QStringList{"train", demo + "/demo.yaml", "--out", run, "--no-evaluate"} + small +
                                      QStringList{"--set", "training.num_epochs=12"}); // ~3 s here: several redraws (at most one a second)
        QVERIFY(p.waitForStarted());
        // The new folder appears in the list by itself, checked, and its run is followed.
        QTRY_COMPARE_WITH_TIMEOUT(page.runCount(), 1, 60000);
        page.setChecked(run, true);
        QTRY_COMPARE_WITH_TIMEOUT(page.followedCount(), 1, 60000);
        std::set<int> counts; // the curve's lengths seen while the process trained
        while (p.state() != QProcess::NotRunning) {
            if (page.lossChart()->seriesCount() == 1 && page.lossChart()->pointCount(0) > 0)
                counts.insert(page.lossChart()->pointCount(0));
            QTest::qWait(100);
        }
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(counts.size() >= 2, qPrintable(QString("the curve grew %1 times while the run trained").arg(int(counts.size()) - 1)));
        QTRY_COMPARE_WITH_TIMEOUT(page.lossChart()->pointCount(0), 12, 10000); // one validation loss per epoch
        QTRY_COMPARE_WITH_TIMEOUT(page.followedCount(), 0, 10000);
    }
};

QTEST_MAIN(TestFollowRun)
#include "test_follow_run.moc"
