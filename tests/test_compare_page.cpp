// SPDX-License-Identifier: GPL-3.0-or-later
// The Compare page offscreen: the run history lists the workspace's runs; two checked runs give
// two curves, a cost/metrics column each, and a config diff of only what differs.
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/detection/evaluation.h"
#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"
#include "test_support.h"
#include "ui/compare_page.h"
#include "widgets/bar_chart.h"
#include "widgets/live_chart.h"
#include <qcustomplot.h>

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

    // Colours stay with their run, curves and bars are the runs' own figures, a run can be
    // renamed, different data is named, and a run that never stepped is not ticked.
    void coloursCurvesBarsNamesAndWarnings() {
        const QString small = dir.filePath("runs/small"), larger = dir.filePath("runs/larger");
        ComparePage page(dir.filePath("runs"));
        page.setChecked(small, true);
        page.setChecked(larger, true);
        const QColor smallColour = page.runColor(small), largerColour = page.runColor(larger);
        QVERIFY(smallColour != largerColour);
        auto seriesColour = [&](int series) { return page.curvesChart()->plot()->graph(series)->pen().color(); };
        QCOMPARE(page.curvesChart()->seriesCount(), 4); // training and validation per run
        page.setChecked(small, false);
        QCOMPARE(page.curvesChart()->seriesCount(), 2);
        QCOMPARE(seriesColour(0), largerColour); // unticking another run recolours nothing
        page.setChecked(small, true);
        QCOMPARE(page.runColor(larger), largerColour);

        // The curves are metrics.csv's rows, the bars results.json's figures.
        const auto metrics = MetricsLog::load((larger + "/metrics.csv").toStdString()).rows();
        int steps = 0, epochs = 0;
        for (const auto& row : metrics) {
            if (row.kind == MetricsRow::Kind::Step) ++steps;
            else if (std::isfinite(row.validationLoss)) ++epochs;
        }
        int largerTrain = -1;
        for (int i = 0; i < page.curvesChart()->seriesCount(); ++i)
            if (page.curvesChart()->plot()->graph(i)->name() == "larger training") largerTrain = i;
        QVERIFY(largerTrain >= 0);
        QCOMPARE(page.curvesChart()->pointCount(largerTrain), steps);
        QCOMPARE(page.curvesChart()->pointCount(largerTrain + 1), epochs);
        QFile results(larger + "/results.json");
        QVERIFY(results.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(results.readAll()).object();
        BarChart* bars = page.detectionChart();
        QCOMPARE(bars->seriesCount(), 1); // only the evaluated run
        QCOMPARE(bars->value(0, 0), json["logbert"].toObject()["f1"].toDouble());
        QCOMPARE(bars->value(0, 2), json["baselines"].toObject()["unseen_key_set"].toObject()["f1"].toDouble());
        page.setDetectionMetric("recall");
        QCOMPARE(page.detectionChart()->value(0, 0), json["logbert"].toObject()["recall"].toDouble());
        page.resize(1400, 900);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto* tabs = page.findChild<QTabWidget*>();
        tabs->setCurrentIndex(tabs->count() - 1); // Detection
        QTRY_VERIFY(page.detectionChart()->isVisible() && page.detectionChart()->plot()->height() > 100);
        page.detectionChart()->plot()->replot();
        if (qEnvironmentVariableIsSet("LOGBERT_TEST_OUTPUT"))
            page.grab().save(qEnvironmentVariable("LOGBERT_TEST_OUTPUT") + "/compare-detection.png");
        const QPoint top = page.detectionChart()->barTop(0, 0) + QPoint(0, 4);
        QVERIFY2(page.detectionChart()->hoverTextAt(top).startsWith("larger\nLogBERT: "),
                 qPrintable(page.detectionChart()->hoverTextAt(top)));

        // Renaming: kept in the folder, shown everywhere, bad names refused with a message.
        QString error;
        QVERIFY2(page.renameRun(larger, "  hidden 32 baseline ", error), qPrintable(error));
        QCOMPARE(page.listedName(larger), QString("hidden 32 baseline"));
        QVERIFY(page.costTable()->horizontalHeaderItem(0)->text() == "hidden 32 baseline" ||
                page.costTable()->horizontalHeaderItem(1)->text() == "hidden 32 baseline");
        QCOMPARE(page.runColor(larger), largerColour);
        QVERIFY(!page.renameRun(larger, "two\nlines", error));
        QVERIFY2(error.contains("control character"), qPrintable(error));
        QVERIFY(!page.renameRun(larger, QString(200, 'x'), error));
        QVERIFY2(error.contains("at most 120"), qPrintable(error));
        ComparePage reopened(dir.filePath("runs"));
        QCOMPARE(reopened.listedName(larger), QString("hidden 32 baseline"));
        QVERIFY(page.renameRun(larger, "", error));
        QCOMPARE(page.listedName(larger), QString("larger"));
        QVERIFY(!QFile::exists(larger + "/name.txt"));

        // Different data: a copy of a run with another sample ratio.
        QVERIFY(page.dataWarning().isEmpty());
        const QString other = dir.filePath("runs/other-data");
        QVERIFY(testsupport::copyDirectory(small, other));
        QFile config(other + "/config.yaml");
        QVERIFY(config.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(config.readAll());
        config.close();
        QVERIFY(text.contains("sample_ratio: 1"));
        text.replace("sample_ratio: 1", "sample_ratio: 0.5");
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(text.toUtf8());
        config.close();
        page.refresh();
        QVERIFY(page.isChecked(other)); // a new run that trained: ticked
        QVERIFY2(page.dataWarning().contains("data.sample_ratio"), qPrintable(page.dataWarning()));
        QVERIFY(page.costTable()->item(2, 0)->text() == "0.5" || page.costTable()->item(2, 1)->text() == "0.5" ||
                page.costTable()->item(2, 2)->text() == "0.5");
        page.setChecked(other, false);
        QVERIFY(page.dataWarning().isEmpty());

        // A run stopped before its first step is listed, not ticked.
        const QString empty = dir.filePath("runs/stopped-at-once");
        QVERIFY(testsupport::copyDirectory(small, empty));
        RunInfo info = RunInfo::load(empty.toStdString());
        info.steps = 0;
        info.epochsDone = 0;
        info.status = "cancelled";
        info.save(empty.toStdString());
        page.refresh();
        QVERIFY(!page.isChecked(empty));
        ComparePage fresh(dir.filePath("runs"));
        QVERIFY(!fresh.isChecked(empty));
        QVERIFY(QDir(empty).removeRecursively() && QDir(other).removeRecursively());
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
