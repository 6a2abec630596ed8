// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI acceptance path in one window, offscreen: load the demo dataset, start a tiny training
// run and see points arrive on the loss and resource charts, pause, resume and stop it, train a
// second run to the end and open its results, move the r control and see the metrics change,
// open a flagged session (highlighted keys, raw lines), compare the two runs, export a report.
#include <QCheckBox>
#include <QFile>
#include <QListWidget>
#include <QStyleOptionButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "app/adapters/training_runner.h"
#include "ui/compare_page.h"
#include "ui/datasets_page.h"
#include "ui/main_window.h"
#include "ui/report.h"
#include "ui/results_page.h"
#include "ui/run_page.h"
#include "widgets/live_chart.h"

using namespace logbert;
using namespace logbert::gui;

class TestWorkbench : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    /// The demo run file with a tiny model, as a user would save it from the Run page.
    QString tinyRunFile(const QString& name, int epochs) {
        QFile demo(dir.filePath("demo/demo.yaml"));
        if (!demo.open(QIODevice::ReadOnly)) return {};
        const QString path = dir.filePath("demo/" + name + ".yaml");
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly)) return {};
        out.write(demo.readAll());
        out.write(QString("model: {hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, max_seq_len: 64}\n"
                          "training: {num_epochs: %1, batch_size: 16, threads: 1, learning_rate: 0.002}\n")
                      .arg(epochs).toUtf8());
        return path;
    }


    /// The largest lightness difference from Base inside an unticked check box's indicator.
    static int checkBoxContrast() {
        QCheckBox box;
        box.resize(box.sizeHint());
        QStyleOptionButton option;
        option.initFrom(&box);
        const QRect indicator = box.style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, &box);
        return contrastFromBase(box.grab().toImage(), indicator);
    }

    /// The same for an unticked item of a list view (Compare's run list), with no text drawn.
    static int itemCheckContrast() {
        QListWidget list;
        list.resize(200, 60);
        auto* item = new QListWidgetItem(QString(), &list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        QRect row = list.visualItemRect(item);
        row.translate(list.viewport()->pos());
        return contrastFromBase(list.grab().toImage(), row.adjusted(0, 0, -row.width() / 2, 0));
    }

    static int contrastFromBase(const QImage& image, const QRect& rect) {
        const int base = qApp->palette().color(QPalette::Base).lightness();
        int most = 0;
        for (int y = rect.top(); y <= rect.bottom(); ++y)
            for (int x = rect.left(); x <= rect.right(); ++x)
                if (image.rect().contains(x, y)) most = std::max(most, std::abs(image.pixelColor(x, y).lightness() - base));
        return most;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void firstWindowFitsTheScreenAndDarkDisablesVisibly() {
        QSettings().clear(); // no saved geometry: the first start on this machine
        {
            MainWindow window(dir.path());
            const QSize room = QGuiApplication::primaryScreen()->availableGeometry().size();
            QVERIFY2(window.width() <= room.width() && window.height() <= room.height(),
                     qPrintable(QString("%1x%2 on %3x%4").arg(window.width()).arg(window.height()).arg(room.width()).arg(room.height())));
            const QColor lightChart = window.runPage()->lossChart()->background();
            window.setDarkPalette(true);
            const QPalette p = qApp->palette();
            for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
                QVERIFY(p.color(QPalette::Disabled, role) != p.color(QPalette::Active, role));
            // The charts turn dark with the window (they stayed white).
            QCoreApplication::processEvents();
            const QColor darkChart = window.runPage()->lossChart()->background();
            QVERIFY2(darkChart.lightness() < 80 && lightChart.lightness() > 200,
                     qPrintable(QString("light %1, dark %2").arg(lightChart.name(), darkChart.name())));
            // Unticked boxes keep a visible border on the dark Base (Fusion's was two grey levels off).
            QVERIFY2(checkBoxContrast() > 40, qPrintable(QString("check box %1").arg(checkBoxContrast())));
            QVERIFY2(itemCheckContrast() > 40, qPrintable(QString("item check %1").arg(itemCheckContrast())));
            window.setDarkPalette(false);
        }
        QSettings().clear();
    }

    void wholeWorkflowInOneWindow() {
        MainWindow window(dir.path());
        window.resize(1400, 900);
        window.show();

        // Datasets: the demo dataset, one call away (the toolbar's "Demo dataset").
        window.openDemoDataset();
        QTRY_VERIFY_WITH_TIMEOUT(window.datasetsPage()->dataset() != nullptr, 60000);
        QVERIFY2(window.datasetsPage()->summaryText().contains("sessions"), qPrintable(window.datasetsPage()->summaryText()));
        // It says that it is synthetic and which anomalies it holds; other data does not get the note.
        QVERIFY2(window.datasetsPage()->noteText().startsWith("Synthetic demo data"), qPrintable(window.datasetsPage()->noteText()));
        QVERIFY(window.datasetsPage()->noteText().contains("known keys"));

        // Run: a long tiny run; loss and resource points arrive while it trains.
        RunPage* run = window.runPage();
        window.openDataFile(tinyRunFile("tiny-long", 500));
        window.showPage("Run");
        QSignalSpy finished(run, &RunPage::runFinished);
        run->start();
        QTRY_VERIFY_WITH_TIMEOUT(run->lossChart()->pointCount(run->lossSeries()) >= 5, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(run->resourceChart()->pointCount(run->cpuSeries()) >= 1, 10000);

        // Pause: no more steps; resume: steps again; stop: the run ends, not completed.
        run->togglePause();
        QTRY_VERIFY(run->runner()->isPaused());
        QTest::qWait(300);
        const int paused = run->lossChart()->pointCount(run->lossSeries());
        QTest::qWait(600);
        QCOMPARE(run->lossChart()->pointCount(run->lossSeries()), paused);
        run->togglePause();
        QTRY_VERIFY_WITH_TIMEOUT(run->lossChart()->pointCount(run->lossSeries()) > paused, 20000);
        run->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(finished[0][1].toBool(), false);
        const QString stoppedRun = finished[0][0].toString();
        QVERIFY(QFile::exists(stoppedRun + "/checkpoint.pt"));

        // A second run to the end: the window evaluates it and shows the Results page.
        QSignalSpy evaluated(window.resultsPage(), &ResultsPage::evaluated);
        window.openDataFile(tinyRunFile("tiny-short", 4));
        run->start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 180000);
        QCOMPARE(finished[1][1].toBool(), true);
        const QString finishedRun = finished[1][0].toString();
        QVERIFY(finishedRun != stoppedRun);
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.count(), 1, 180000);

        // Results: moving r changes LogBERT's metrics; the validation choice comes back.
        ResultsPage* results = window.resultsPage();
        const Confusion chosen = results->logbertConfusion();
        QVERIFY(chosen.total() > 0);
        Thresholds strict = results->chosenThresholds();
        strict.missRatio = 1.0; // no session has more than all of its keys missed
        strict.distance = 1e30;
        strict.endG = 1 << 20;
        results->setThresholds(strict);
        const Confusion none = results->logbertConfusion();
        QCOMPARE(none.tp + none.fp, std::uint64_t(0));
        QVERIFY(chosen.tp + chosen.fp > 0);
        QCOMPARE(results->metricsTable()->item(0, 1)->text().toULongLong(), none.tp);
        results->setThresholds(results->chosenThresholds());
        QCOMPARE(results->logbertConfusion().tp, chosen.tp);

        // A flagged session: its keys with the misses highlighted, and its raw lines.
        results->filterCategory("flagged");
        QVERIFY(results->visibleSessions() > 0);
        results->showSession(0);
        // The raw lines are read on a worker thread; the table may re-select the row meanwhile.
        QTRY_VERIFY_WITH_TIMEOUT(results->sessionDetailHtml().contains("HDFS_demo.log:"), 10000); // raw lines with numbers
        const QString html = results->sessionDetailHtml();
        QVERIFY2(html.contains("#f5b7b1") || html.contains("#d5f5e3"), qPrintable(html.left(600))); // the key chips
        QVERIFY(html.contains("Flagged"));

        // Compare: both runs of the workspace, overlaid, with a config diff.
        window.showPage("Compare");
        ComparePage* compare = window.comparePage();
        compare->refresh();
        QCOMPARE(compare->runCount(), 2);
        QCOMPARE(compare->lossChart()->seriesCount(), 2);
        QStringList differing;
        for (int r = 0; r < compare->diffTable()->rowCount(); ++r)
            differing << compare->diffTable()->verticalHeaderItem(r)->text();
        QVERIFY2(differing.contains("training.num_epochs"), qPrintable(differing.join(", ")));

        // Report: one HTML file (charts embedded) and a PDF.
        const QString html2 = dir.filePath("report.html"), pdf = dir.filePath("report.pdf");
        QSignalSpy exported(results, &ResultsPage::reportExported);
        results->exportReportTo(html2);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 20000);
        QVERIFY(QFileInfo(html2).size() > 10000 && QFileInfo(pdf).size() > 10000);
        window.close(); // saves the window layout
        QVERIFY(QSettings().contains("layout/run.panes"));
    }
};

QTEST_MAIN(TestWorkbench)
#include "test_workbench.moc"
