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
#include "engine/training/training_job.h"
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
            const QString f1 = cost->item(10, c)->text();
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
};

QTEST_MAIN(TestComparePage)
#include "test_compare_page.moc"
