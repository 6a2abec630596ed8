// SPDX-License-Identifier: GPL-3.0-or-later
// The Results page offscreen on a tiny trained run: metrics beside the baselines, threshold
// controls that recompute LogBERT's row, the TP/FP/FN/TN filter, and a session's detail with
// highlighted keys and raw lines.
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QPushButton>
#include <QtTest>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/detection/detector_reports.h"
#include "engine/training/training_job.h"
#include "test_support.h"
#include "ui/report.h"
#include "ui/results_page.h"
#include "ui/session_html.h"
#include "widgets/live_chart.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LOGBERT_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(LOGBERT_TSAN)
#define LOGBERT_TSAN 1
#endif

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
        auto button = [&](const QString& text) {
            for (auto* b : page.findChildren<QPushButton*>())
                if (b->text() == text) return b;
            return static_cast<QPushButton*>(nullptr);
        };
        // An empty page offers nothing to export or evaluate again, and says why.
        QVERIFY(button("Export report…") && button("Evaluate again"));
        QVERIFY(!button("Export report…")->isEnabled() && !button("Evaluate again")->isEnabled());
        QVERIFY(button("Export report…")->toolTip().startsWith("Open an evaluated run first"));
        QSignalSpy evaluated(&page, &ResultsPage::evaluated);
        page.openRun(runDir);
        QVERIFY(!button("Evaluate again")->isEnabled()); // while it evaluates
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 60000);
        QVERIFY(button("Export report…")->isEnabled() && button("Evaluate again")->isEnabled());
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
        page.showSession(0);
        QTRY_VERIFY_WITH_TIMEOUT(page.sessionDetailHtml().contains("HDFS_demo.log:"), 10000); // read on a worker thread
        const QString html = page.sessionDetailHtml();
        QVERIFY2(html.contains("HDFS_demo.log:"), qPrintable(html.left(400))); // raw lines with numbers
        QVERIFY(html.contains("Flagged"));
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
                                 "HDFS", "model.hidden_size", "What each detector does", "Verdict."})
            QVERIFY2(text.contains(part), part);
        // The summary card's figures are the engine's at the validation choice.
        const EvaluationResult& result = *page.run().result;
        const auto rows = detectorReports(result.sessions, result.thresholds);
        QVERIFY(text.contains(QString("F1 %1").arg(rows.front().test.f1(), 0, 'f', 4)));
        QVERIFY(text.contains(QString("finds %1 of %2 anomalies, %3 false alarms")
                                  .arg(rows.front().test.tp).arg(rows.front().test.tp + rows.front().test.fn).arg(rows.front().test.fp)));
        QVERIFY(text.contains(QString(result.verdict.c_str()).toHtmlEscaped()));
        for (const auto& row : rows) QVERIFY2(text.contains(QString::fromStdString(row.description).toHtmlEscaped()), row.name.c_str());
        for (const ScoredSession* top : reportSessions(result))
            QVERIFY(text.contains(QString::fromStdString(page.run().dataset->sessions[top->index].id)));
        QVERIFY(QFileInfo(pdf).size() > 10000);
        // The PDF starts with the report (no blank first page) and every page has text on it.
#ifdef LOGBERT_TSAN
        // Forking pdftotext fails ThreadSanitizer's CHECK as forking the CLI does below; the
        // plain and ASan builds read the pages.
        const QString pdftotext;
#else
        const QString pdftotext = QStandardPaths::findExecutable("pdftotext");
#endif
        if (pdftotext.isEmpty()) {
            qInfo("SKIP the PDF's pages: no pdftotext (poppler-utils), or under ThreadSanitizer");
        } else {
            QProcess reader;
            reader.start(pdftotext, {"-layout", pdf, "-"});
            QVERIFY(reader.waitForFinished(30000));
            const QStringList pages = QString::fromUtf8(reader.readAllStandardOutput()).split('\f', Qt::SkipEmptyParts);
            QVERIFY(pages.size() >= 2);
            QVERIFY2(pages.front().contains("LogBERT report") && pages.front().contains("Verdict."), qPrintable(pages.front()));
            QVERIFY(pages.front().contains("Detection on the test split"));
            for (const QString& p : pages) QVERIFY(p.trimmed().size() > 40);
        }
        if (qEnvironmentVariableIsSet("LOGBERT_TEST_OUTPUT")) QFile::copy(htmlFile, qEnvironmentVariable("LOGBERT_TEST_OUTPUT") + "/report.html");
    }

    // The session detail says what the engine's score says: 1-based ranks, probabilities never
    // written as 0, why it is flagged at the current thresholds, the missed keys' lines marked.
    void sessionDetailSaysWhatTheScoreSays() {
        QCOMPARE(ordinal(1), QString("1st"));
        QCOMPARE(ordinal(2), QString("2nd"));
        QCOMPARE(ordinal(3), QString("3rd"));
        QCOMPARE(ordinal(11), QString("11th"));
        QCOMPARE(ordinal(13), QString("13th"));
        QCOMPARE(ordinal(22), QString("22nd"));
        QCOMPARE(ordinal(112), QString("112th"));
        QCOMPARE(probabilityText(0), QString("< 1e-45"));
        QCOMPARE(probabilityText(3.1e-7), QString("3.1e-07"));
        QCOMPARE(probabilityText(0.4123), QString("0.412"));

        ResultsPage page;
        QSignalSpy evaluated(&page, &ResultsPage::evaluated);
        page.openRun(runDir);
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 60000);
        page.filterCategory("TP");
        QVERIFY(page.visibleSessions() > 0);
        page.showSession(0);
        QTRY_VERIFY_WITH_TIMEOUT(page.sessionDetailHtml().contains("HDFS_demo.log:"), 10000);
        const ScoredSession* s = page.shownSession();
        QVERIFY(s);
        const Thresholds t = page.currentThresholds();
        const QString html = page.sessionDetailHtml();
        QVERIFY2(html.contains(QString("%1 of %2 masked keys were outside the model's top %3")
                                   .arg(s->score.missesAt(t.topG)).arg(s->score.keysMasked()).arg(t.topG)),
                 qPrintable(html.left(2000)));
        if (s->score.endRank >= 0 && t.endG > 0)
            QVERIFY(html.contains("[END] ranked " + ordinal(std::uint64_t(s->score.endRank) + 1)));
        QVERIFY(html.contains("Flagged"));
        // Each miss's table row: its 1-based position and rank, and its probability in words.
        std::size_t misses = 0;
        for (const auto& m : s->score.missed) {
            if (m.key == Vocabulary::kEndKey || m.rank < std::uint32_t(t.topG)) continue;
            ++misses;
            const QString cells = QString("<td>%1</td>").arg(m.position + 1);
            QVERIFY2(html.contains(cells), qPrintable(cells));
            QVERIFY(html.contains(probabilityText(m.probability).toHtmlEscaped()));
        }
        QCOMPARE(std::size_t(s->score.missesAt(t.topG)), misses);
        QVERIFY(html.contains("#fde2e0") == (misses > 0)); // the lines of missed keys are highlighted
        QVERIFY(!html.contains(">0</td><td>< 1e-45") && !html.contains("probability 0<"));
        // The sessions table's [END] rank is 1-based too.
        if (s->score.endRank >= 0) QCOMPARE(page.sessionCell(0, "[END] rank"), QString::number(s->score.endRank + 1));
        // The detail follows the thresholds: top-g at its maximum leaves no key miss.
        Thresholds all = t;
        all.topG = 1000;
        all.endG = 0;
        page.showSession(0);
        page.setThresholds(all);
        QVERIFY(page.sessionDetailHtml().contains("0 of "));
        QVERIFY(page.sessionDetailHtml().contains("No key outside the top-g."));
    }

    // Every row the page shows at a set of controls is what `logbert evaluate` prints with those
    // thresholds, and the verdict is the CLI's; union rows never hold fewer sessions than a part.
    void everyRowAgreesWithTheCliAndUnionsHoldTheirParts() {
        ResultsPage page;
        QSignalSpy evaluated(&page, &ResultsPage::evaluated);
        page.openRun(runDir);
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 60000);
        const Thresholds chosen = page.chosenThresholds();
        QTableWidget* m = page.metricsTable();
        auto row = [&](int i) {
            Confusion c;
            c.tp = m->item(i, 1)->text().toULongLong(), c.fp = m->item(i, 2)->text().toULongLong();
            c.fn = m->item(i, 3)->text().toULongLong(), c.tn = m->item(i, 4)->text().toULongLong();
            return c;
        };
        auto at = [&](double r, int g, int e, double d) {
            Thresholds t = chosen;
            t.missRatio = r, t.topG = g, t.endG = e, t.distance = d;
            return t;
        };
        // Unions on a full grid (the page alone).
        const double d0 = std::max(chosen.distance, 1e-6);
        for (double r : {0.0, 0.1, 0.3, 0.45, 1.0})
            for (int g : {1, 3, 9})
                for (int e : {0, 1, 2})
                    for (double d : {0.0, 0.5 * d0, d0, 1e30}) {
                        page.setThresholds(at(r, g, e, d));
                        const Confusion logbert = row(0), misses = row(1), distance = row(2), unseenSet = row(4),
                                        combined = row(6);
                        const QString where = QString("r %1 g %2 e %3 d %4").arg(r).arg(g).arg(e).arg(d);
                        QVERIFY2(logbert.tp >= std::max(misses.tp, distance.tp) && logbert.fp >= std::max(misses.fp, distance.fp), qPrintable(where));
                        QVERIFY2(logbert.tp <= misses.tp + distance.tp, qPrintable(where));
                        QVERIFY2(combined.tp >= std::max(logbert.tp, unseenSet.tp) && combined.fp >= std::max(logbert.fp, unseenSet.fp), qPrintable(where));
                        for (int i = 0; i < m->rowCount(); ++i) QCOMPARE(row(i).total(), logbert.total());
                    }
#ifdef LOGBERT_TSAN
        // ThreadSanitizer's runtime fails a CHECK when this many-threaded process forks the CLI
        // (tsan_rtl.cpp "!thr->slot" in ForkAfter); the plain and ASan builds run this part.
        return;
#endif
        // Every row against the CLI at points that move each control.
        const std::vector<Thresholds> points = {chosen, at(0.0, 1, 0, 1e30), at(0.1, 3, 2, 0.5 * d0), at(0.45, 9, 0, d0),
                                                at(0.3, 1, 1, 0.0), at(1.0, 3, 2, 1e30)};
        for (const Thresholds& t : points) {
            page.setThresholds(t);
            const auto cli = testsupport::runCli({"evaluate", runDir, "--miss-ratio", QString::number(t.missRatio, 'g', 17),
                                                  "--top-g", QString::number(t.topG), "--end-g", QString::number(t.endG),
                                                  "--distance", QString::number(t.distance, 'g', 17)});
            QVERIFY2(cli.code == 0, qPrintable(cli.err));
            for (int i = 0; i < m->rowCount(); ++i) {
                const QString name = m->item(i, 0)->text();
                const QRegularExpression line("^" + QRegularExpression::escape(name) + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s",
                                              QRegularExpression::MultilineOption);
                const auto match = line.match(cli.out);
                QVERIFY2(match.hasMatch(), qPrintable(name + "\n" + cli.out));
                const Confusion gui = row(i);
                const QString where = name + QString(" at r %1 g %2 e %3 d %4").arg(t.missRatio).arg(t.topG).arg(t.endG).arg(t.distance);
                QCOMPARE(match.captured(1).toULongLong(), gui.tp);
                QCOMPARE(match.captured(2).toULongLong(), gui.fp);
                QCOMPARE(match.captured(3).toULongLong(), gui.fn);
                QVERIFY2(match.captured(4).toULongLong() == gui.tn, qPrintable(where));
            }
            const QString verdict = cli.out.trimmed().split('\n').last();
            QCOMPARE(page.verdict(), verdict);
        }
        // The saved evaluation is still the validation choice.
        ResultsPage again;
        QSignalSpy reopened(&again, &ResultsPage::evaluated);
        again.openRun(runDir);
        QTRY_COMPARE_WITH_TIMEOUT(reopened.count(), 1, 60000);
        QCOMPARE(again.run().source, QString("saved evaluation"));
        QCOMPARE(again.chosenThresholds().distance, chosen.distance);
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
        ResultsPage fresh; // a run evaluated for the first time says so
        QSignalSpy freshDone(&fresh, &ResultsPage::evaluated);
        QFile::remove(runDir + "/evaluation.bin");
        fresh.openRun(runDir);
        QTRY_COMPARE_WITH_TIMEOUT(freshDone.count(), 1, 60000);
        QCOMPARE(fresh.run().source, QString("evaluated now"));
        const Confusion a = first.logbertConfusion(), b = second.logbertConfusion();
        QVERIFY(a.tp == b.tp && a.fp == b.fp && a.fn == b.fn && a.tn == b.tn);
        QCOMPARE(first.run().result->sessions.size(), second.run().result->sessions.size());
        first.filterCategory("TP");
        QVERIFY(first.visibleSessions() > 1);
        // A session other than the one on show: its lines are read in the background.
        const ScoredSession* before = first.shownSession();
        int row = 0;
        for (; row < first.visibleSessions(); ++row) {
            first.showSession(row);
            if (first.shownSession() != before) break;
        }
        QVERIFY(first.shownSession() != before);
        QVERIFY(first.sessionDetailHtml().contains("reading…"));
        QTRY_VERIFY_WITH_TIMEOUT(first.sessionDetailHtml().contains("HDFS_demo.log:"), 10000);
        // Showing it again (the table re-selects it) keeps its lines instead of reading them again.
        first.showSession(row);
        QVERIFY(first.sessionDetailHtml().contains("HDFS_demo.log:"));
    }
};

QTEST_MAIN(TestResultsPage)
#include "test_results_page.moc"
