// SPDX-License-Identifier: GPL-3.0-or-later
// The Results page offscreen on a tiny trained run: metrics beside the baselines, threshold
// controls that recompute LogBERT's row, the TP/FP/FN/TN filter, and a session's detail with
// highlighted keys and raw lines.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/training/training_job.h"
#include "ui/report.h"
#include "ui/results_page.h"
#include "widgets/live_chart.h"

using namespace logbert;
using namespace logbert::gui;

class TestResultsPage : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString runDir;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        const DemoSummary demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{5, 800, 0.05});
        ConfigSources s;
        s.runFile = demo.configPath;
        s.overrides = {"model.hidden_size=64", "model.num_hidden_layers=2", "model.num_attention_heads=2",
                       "model.max_seq_len=64", "training.num_epochs=4", "training.batch_size=32", "training.threads=1"};
        runDir = dir.filePath("run");
        TrainingJob({loadRunConfig(s), runDir.toStdString(), false}).run();
    }

    void metricsThresholdsAndSessions() {
        ResultsPage page;
        QSignalSpy evaluated(&page, &ResultsPage::evaluated);
        page.openRun(runDir);
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 60000);
        QTableWidget* m = page.metricsTable();
        QCOMPARE(m->rowCount(), 7); // LogBERT, its two signals, three baselines, the combination
        QCOMPARE(m->item(0, 0)->text(), QString("LogBERT"));
        QCOMPARE(m->item(4, 0)->text(), QString("Unseen key set"));

        // The validation choice is what the table shows first.
        const Confusion chosen = page.logbertConfusion();
        QCOMPARE(m->item(0, 1)->text().toULongLong(), chosen.tp);
        QVERIFY(chosen.tp + chosen.fn > 0);

        // Flag everything with a miss at top-1 and a tiny distance: more flagged, row follows.
        Thresholds loose = page.chosenThresholds();
        loose.topG = 1;
        loose.distance = 0;
        page.setThresholds(loose);
        const Confusion all = page.logbertConfusion();
        QVERIFY(all.tp + all.fp > chosen.tp + chosen.fp);
        QCOMPARE(m->item(0, 2)->text().toULongLong(), all.fp);
        page.setThresholds(page.chosenThresholds());
        QCOMPARE(page.logbertConfusion().tp, chosen.tp);
        // The F1-vs-r chart has the sweep and a marker at the current r.
        QCOMPARE(page.f1Chart()->seriesCount(), 2);
        QVERIFY(page.f1Chart()->pointCount(0) > 1);
        QCOMPARE(page.f1Chart()->pointCount(1), 1);
        if (qEnvironmentVariableIsSet("LOGBERT_TEST_OUTPUT"))
            page.f1Chart()->exportTo(qEnvironmentVariable("LOGBERT_TEST_OUTPUT") + "/f1_vs_r.png");

        // Clicking a confusion cell filters the sessions to it.
        page.filterCategory("TP");
        QCOMPARE(std::uint64_t(page.visibleSessions()), chosen.tp);
        QSignalSpy linesShown(&page, &ResultsPage::rawLinesShown);
        page.showSession(0);
        QTRY_COMPARE_WITH_TIMEOUT(linesShown.count(), 1, 10000); // read on a worker thread
        const QString html = page.sessionDetailHtml();
        QVERIFY2(html.contains("HDFS_demo.log:"), qPrintable(html.left(400))); // raw lines with numbers
        QVERIFY(html.contains("flagged"));
        page.filterCategory("all");
        QVERIFY(std::uint64_t(page.visibleSessions()) == chosen.total());

        // The report: one self-contained HTML file and a PDF.
        QString error;
        const QString htmlFile = dir.filePath("report.html"), pdf = dir.filePath("report.pdf");
        const SessionLinesMap lines = RawLineLoader::read(page.run(), reportSessionIndices(*page.run().result), kReportLines);
        QVERIFY2(exportReport(page.run(), lines, htmlFile, pdf, error), qPrintable(error));
        QFile f(htmlFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        for (const char* part : {"LogBERT report", "Unseen key set", "data:image/png;base64", "Top flagged sessions",
                                 "HDFS", "model.hidden_size"})
            QVERIFY2(text.contains(part), part);
        QVERIFY(QFileInfo(pdf).size() > 10000);
        if (qEnvironmentVariableIsSet("LOGBERT_TEST_OUTPUT")) QFile::copy(htmlFile, qEnvironmentVariable("LOGBERT_TEST_OUTPUT") + "/report.html");
    }

    void reopeningShowsTheSavedEvaluation() {
        ResultsPage first;
        QSignalSpy evaluated(&first, &ResultsPage::evaluated);
        QElapsedTimer clock;
        clock.start();
        first.openRun(runDir); // evaluated by the test above
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 60000);
        const qint64 reopenMs = clock.elapsed();
        QCOMPARE(first.run().source, QString("saved evaluation"));
        // "Evaluate again" scores every session anew, with the same figures.
        ResultsPage second;
        QSignalSpy again(&second, &ResultsPage::evaluated);
        clock.restart();
        second.openRun(runDir, EvaluationRunner::Mode::Evaluate);
        QTRY_COMPARE_WITH_TIMEOUT(again.count(), 1, 60000);
        qInfo("open with the saved evaluation: %lld ms; evaluate again: %lld ms (both include reading the data)",
              (long long)reopenMs, (long long)clock.elapsed());
        QCOMPARE(second.run().source, QString("evaluated again"));
        const Confusion a = first.logbertConfusion(), b = second.logbertConfusion();
        QVERIFY(a.tp == b.tp && a.fp == b.fp && a.fn == b.fn && a.tn == b.tn);
        QCOMPARE(first.run().result->sessions.size(), second.run().result->sessions.size());
        first.filterCategory("TP");
        QSignalSpy linesShown(&first, &ResultsPage::rawLinesShown);
        first.showSession(0);
        QVERIFY(first.sessionDetailHtml().contains("reading…"));
        QTRY_COMPARE_WITH_TIMEOUT(linesShown.count(), 1, 10000);
        QVERIFY(first.sessionDetailHtml().contains("HDFS_demo.log:"));
    }
};

QTEST_MAIN(TestResultsPage)
#include "test_results_page.moc"
