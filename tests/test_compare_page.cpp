// SPDX-License-Identifier: GPL-3.0-or-later
// The Compare page offscreen: the run history lists the workspace's runs; two checked runs give
// two curves, a cost/metrics column each, and a config diff of only what differs.
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/detection/evaluation.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"
#include "test_support.h"
#include "ui/compare_page.h"
#include "widgets/live_chart.h"

using namespace logbert;
using namespace logbert::gui;

class TestComparePage : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    void train(const QString& name, int hidden, bool evaluate) {
        ConfigSources s;
        s.runFile = dir.filePath("demo/demo.yaml").toStdString();
        s.overrides = {"model.hidden_size=" + std::to_string(hidden), "model.num_hidden_layers=1",
                       "model.num_attention_heads=2", "model.max_seq_len=64", "training.num_epochs=2",
                       "training.batch_size=32", "training.threads=1"};
        const std::string runDir = dir.filePath("runs/" + name).toStdString();
        TrainingJob job({loadRunConfig(s), runDir, false});
        job.run();
        if (evaluate) saveEvaluation(runDir, evaluateRun(runDir, job.dataset()), *job.dataset());
    }

    static int rowOf(QTableWidget* table, const QString& name) {
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->verticalHeaderItem(r)->text() == name) return r;
        return -1;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{9, 500, 0.05});
        train("small", 16, false);
        train("larger", 32, true);
    }

    void comparesTwoRuns() {
        ComparePage page(dir.filePath("runs"));
        QCOMPARE(page.runCount(), 2); // the two newest runs start checked
        QCOMPARE(page.lossChart()->seriesCount(), 2);
        QCOMPARE(page.lossChart()->pointCount(0), 2); // one validation loss per epoch
        QTableWidget* cost = page.costTable();
        QCOMPARE(cost->columnCount(), 2);
        bool notEvaluated = false, hasF1 = false;
        for (int c = 0; c < 2; ++c) {
            const QString f1 = cost->item(rowOf(cost, "F1"), c)->text();
            notEvaluated |= f1 == "not evaluated";
            hasF1 |= f1.toDouble() > 0;
        }
        QVERIFY(notEvaluated && hasF1);
        QTableWidget* diff = page.diffTable();
        QStringList keys;
        for (int r = 0; r < diff->rowCount(); ++r) keys << diff->verticalHeaderItem(r)->text();
        QVERIFY2(keys.contains("model.hidden_size"), qPrintable(keys.join(", ")));
        QVERIFY(!keys.contains("model.num_hidden_layers")); // the same in both: not listed
    }

    // A run trained by the CLI: Compare draws its resources.csv and shows its run.json's figures.
    void drawsACliRunsOwnResourceSamples() {
        const QString runDir = dir.filePath("runs/cli");
        const auto cli = testsupport::runCli({"train", dir.filePath("demo/demo.yaml"), "--out", runDir, "--no-evaluate", "--quiet",
                                              "--set", "model.hidden_size=16", "--set", "model.num_hidden_layers=1",
                                              "--set", "model.num_attention_heads=2", "--set", "model.max_seq_len=64",
                                              "--set", "training.num_epochs=40", "--set", "training.batch_size=8",
                                              "--set", "training.threads=1"});
        QVERIFY2(cli.code == 0, qPrintable(cli.err));
        const auto rows = ResourceLog::load((runDir + "/resources.csv").toStdString()).rows();
        QVERIFY2(!rows.empty(), "no resource sample in the CLI run");
        ComparePage page(dir.filePath("runs"));
        for (const QString& name : {"small", "larger"}) page.setChecked(dir.filePath("runs/" + name), false);
        page.setChecked(runDir, true);
        QCOMPARE(page.memoryChart()->seriesCount(), 1);
        QCOMPARE(page.memoryChart()->pointCount(0), int(rows.size()));
        const RunInfo info = RunInfo::load(runDir.toStdString());
        QTableWidget* cost = page.costTable();
        QCOMPARE(cost->columnCount(), 1);
        QCOMPARE(cost->item(rowOf(cost, "sequences/s"), 0)->text(), QString::number(info.sequencesPerSecond, 'f', 1));
        QCOMPARE(cost->item(rowOf(cost, "training memory"), 0)->text(), QString("%1 MiB").arg(info.trainingRssMegabytes, 0, 'f', 0));
        QVERIFY(info.trainingRssMegabytes > 0 && info.peakRssMegabytes > info.trainingRssMegabytes);
    }
};

QTEST_MAIN(TestComparePage)
#include "test_compare_page.moc"
