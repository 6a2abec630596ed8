// SPDX-License-Identifier: GPL-3.0-or-later
// The Run page offscreen: the demo dataset, inline validation, a tiny training run whose points
// reach the loss and resource charts, pause and stop.
#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QProgressBar>
#include <QToolTip>
#include <qcustomplot.h>
#include <QtTest>
#include <cmath>

#include "engine/demo/demo_generator.h"
#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"
#include "ui/main_window.h"
#include "ui/run_page.h"
#include "widgets/debiased_ema.h"
#include "widgets/live_chart.h"

using namespace logbert;
using namespace logbert::gui;

class TestRunPage : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    static QSpinBox* spinAt(RunPage& page, int index) { return page.findChildren<QSpinBox*>().at(index); }
    static QPushButton* button(RunPage& page, const QString& text) {
        for (auto* b : page.findChildren<QPushButton*>())
            if (b->text() == text) return b;
        return nullptr;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
        QCoreApplication::setOrganizationName("logbert-test");
    }

    // TensorBoard's debiased EMA against a hand-computed series: w = 0.5 on 1, 3, 5 gives
    // 0.5/0.5, 1.75/0.75, 3.375/0.875; a plain EMA seeded with the first value gives 1, 2, 3.5.
    void smoothingIsDebiased() {
        const QVector<double> s = debiasedEma({1, 3, 5}, 0.5);
        QCOMPARE(s.size(), 3);
        QCOMPARE(s[0], 1.0);
        QVERIFY(std::abs(s[1] - 7.0 / 3.0) < 1e-12);
        QVERIFY(std::abs(s[2] - 27.0 / 7.0) < 1e-12);
        // A falling loss: the smoothed curve never sits above the first raw point's level.
        QVector<double> falling;
        for (int i = 0; i < 50; ++i) falling << 6.0 * std::exp(-0.1 * i) + 0.5;
        const QVector<double> f = debiasedEma(falling, 0.9);
        for (int i = 1; i < f.size(); ++i) QVERIFY(f[i] <= f[i - 1] + 1e-12);
        QCOMPARE(debiasedEma(falling, 0.0), falling); // weight 0: the raw curve
    }

    // Hovering a chart names the nearest point's series and its values; away from every point, nothing.
    void hoverShowsTheNearestPointsValues() {
        LiveChart chart;
        chart.resize(640, 400);
        chart.setAxisLabels("step", "loss");
        const int loss = chart.addSeries("training loss", Qt::blue);
        const int validation = chart.addSeries("validation loss", Qt::red, true);
        for (int step = 1; step <= 100; ++step) chart.append(loss, step, 5.0 / step);
        chart.append(validation, 50, 2.5);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.flush();
        chart.plot()->replot();
        QCOMPARE(chart.hoverTextAt(chart.pixelOf(loss, 10, 0.5)), QString("training loss\nstep: 10 · loss: 0.5"));
        QCOMPARE(chart.hoverTextAt(chart.pixelOf(validation, 50, 2.5) + QPoint(3, -2)), QString("validation loss\nstep: 50 · loss: 2.5"));
        QCOMPARE(chart.hoverTextAt(chart.pixelOf(loss, 90, 4.5)), QString()); // far above the curve
        chart.setSeriesVisible(validation, false);
        chart.flush();
        QVERIFY(!chart.hoverTextAt(chart.pixelOf(validation, 50, 2.5)).startsWith("validation"));
        // A real mouse move over a point shows the tooltip.
        QTest::mouseMove(chart.plot(), chart.pixelOf(loss, 20, 0.25));
        QTRY_VERIFY(QToolTip::isVisible() && QToolTip::text().startsWith("training loss"));
    }

    void demoTrainsLiveAndStops() {
        MainWindow window(dir.path());
        QSignalSpy opened(&window, &MainWindow::demoDatasetOpened);
        window.openDemoDataset();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000); // written on a worker thread
        RunPage& page = *window.runPage();
        QVERIFY(button(page, "Start")->isEnabled());

        // Inline validation: 3 heads do not divide the hidden size.
        QSpinBox* hidden = spinAt(page, 0);
        QSpinBox* layers = spinAt(page, 1);
        QSpinBox* heads = spinAt(page, 2);
        heads->setValue(3);
        QVERIFY(!button(page, "Start")->isEnabled());
        // The message names the field the user set, not the CLI's --set syntax.
        const QString formError = page.findChild<QLabel*>("formError")->text();
        QVERIFY2(formError.startsWith("Attention heads (3): ") && formError.contains("must divide hidden_size") &&
                     !formError.contains("--set"),
                 qPrintable(formError));
        hidden->setValue(32);
        layers->setValue(1);
        heads->setValue(2);
        spinAt(page, 4)->setValue(50); // epochs
        QVERIFY(button(page, "Start")->isEnabled());

        // Before starting: parameters, memory and time per epoch from timed steps; the figures
        // that do not depend on timing are the engine's own for the form's config.
        page.estimate();
        QTRY_VERIFY_WITH_TIMEOUT(page.estimateText().contains("per epoch"), 30000);
        QVERIFY(!page.estimateIsStale());
        RunConfig config;
        QString error;
        QVERIFY(page.currentConfig(config, error));
        const TrainingEstimate e = estimateTraining(config);
        const QString text = page.estimateText();
        for (const QString& part : {QLocale().toString(qlonglong(e.parameters)) + " parameters",
                                    QString("memory ~%1 MiB").arg(e.trainingMegabytes, 0, 'f', 0),
                                    QString("optimizer (%1 MiB)").arg(e.modelMegabytes, 0, 'f', 0),
                                    QString("training (%1 steps on %2 sequences)").arg(e.stepsPerEpoch).arg(QLocale().toString(qulonglong(e.trainSequences))),
                                    QString("for %1 epochs").arg(e.epochs),
                                    QString("validating (%1 sequences)").arg(QLocale().toString(qulonglong(e.validationSequences)))})
            QVERIFY2(text.contains(part), qPrintable(part + " not in: " + text));
        QCOMPARE(e.epochs, 50);
        QVERIFY(e.secondsPerEpoch() > 0 && e.totalSeconds() > e.epochs * e.secondsPerEpoch() * 0.99);
        // A field changes: the figures say they are stale until estimated again.
        spinAt(page, 4)->setValue(40);
        QVERIFY(page.estimateIsStale());
        QVERIFY(page.estimateText().startsWith("Stale"));
        spinAt(page, 4)->setValue(50);
        QVERIFY(!page.estimateIsStale()); // the same settings again: the figures hold

        QSignalSpy finished(page.runner(), &TrainingRunner::finished);
        // The setup line as the page showed it (progress text replaces it a moment later).
        QString setupLine;
        const auto* status = page.findChild<QLabel*>("runStatus");
        QVERIFY(status);
        connect(page.runner(), &TrainingRunner::setupReady, this, [&] { setupLine = status->text(); });
        page.start();
        QTRY_VERIFY_WITH_TIMEOUT(page.lossChart()->pointCount(page.lossSeries()) > 20, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(page.resourceChart()->pointCount(page.cpuSeries()) > 1, 5000);
        QVERIFY(!button(page, "Start")->isEnabled());
        page.togglePause();
        QCOMPARE(button(page, "Resume") != nullptr, true);
        QVERIFY2(status->text().startsWith("Paused at epoch "), qPrintable(status->text()));
        QTest::qWait(700); // a step under way when Pause came does not overwrite it
        QVERIFY2(status->text().startsWith("Paused at"), qPrintable(status->text()));
        QVERIFY(page.findChild<QProgressBar*>()->format().startsWith("paused"));
        page.togglePause();
        QVERIFY(!status->text().startsWith("Paused"));
        page.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        QVERIFY(button(page, "Start")->isEnabled());
        QVERIFY(QFileInfo::exists(dir.filePath("runs")));
        // The thread count and its reason, as the engine stored them in run.json.
        const auto* threads = page.findChild<QLabel*>("threadsStatus");
        QVERIFY(threads && !threads->isHidden());
        const RunInfo info = RunInfo::load(page.runner()->runDir().toStdString());
        QVERIFY(!info.threadsReason.empty());
        QCOMPARE(threads->text(), QString("%1 thread%2 · %3")
                                      .arg(info.threads)
                                      .arg(info.threads == 1 ? "" : "s")
                                      .arg(QString::fromStdString(info.threadsReason)));
        // Device, parameters and training sequences, as run.json has them.
        QCOMPARE(setupLine, QString("%1, %2 parameters, %3 training sequences")
                                .arg(QString::fromStdString(info.device))
                                .arg(QLocale().toString(qlonglong(info.parameters)))
                                .arg(info.trainSequences));
        // The smoothed curve is the debiased EMA of the raw loss the chart holds.
        const QVector<double> raw = page.rawLoss(), smooth = page.smoothedLoss();
        QCOMPARE(page.lossChart()->pointCount(page.smoothedSeries()), raw.size());
        QCOMPARE(smooth.front(), raw.front()); // no pull towards 0 or the first value
        // The resource chart drew the job's samples, which resources.csv holds.
        const auto saved = ResourceLog::load(page.runner()->runDir().toStdString() + "/resources.csv").rows();
        const int drawn = page.resourceChart()->pointCount(page.cpuSeries());
        QVERIFY2(int(saved.size()) == drawn || int(saved.size()) + 1 == drawn,
                 qPrintable(QString("%1 saved, %2 drawn").arg(saved.size()).arg(drawn)));
        // The data file is remembered for File > Open recent.
        QVERIFY(QSettings().value("recent/data").toStringList().contains(dir.filePath("demo/demo.yaml")));
    }
    // Run control (issue 12 §5): Start says why it cannot start; closing while training asks;
    // a stopped run resumes from the GUI and its metrics neither repeat nor skip a step.
    void stopResumeAndCloseWhileTraining() {
        QTemporaryDir workspace;
        MainWindow window(workspace.path());
        QSignalSpy opened(&window, &MainWindow::demoDatasetOpened);
        window.openDemoDataset();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        RunPage& page = *window.runPage();
        spinAt(page, 0)->setValue(32);
        spinAt(page, 1)->setValue(1);
        spinAt(page, 2)->setValue(2);
        spinAt(page, 4)->setValue(3); // epochs

        // An invalid form: Start (Ctrl+R) says why instead of doing nothing.
        spinAt(page, 2)->setValue(3);
        page.start();
        QVERIFY2(page.statusText().startsWith("Cannot start: ") && page.statusText().contains("must divide"),
                 qPrintable(page.statusText()));
        spinAt(page, 2)->setValue(2);

        QSignalSpy finished(page.runner(), &TrainingRunner::finished);
        page.start();
        QTRY_VERIFY_WITH_TIMEOUT(page.lossChart()->pointCount(page.lossSeries()) > 20, 30000);
        const QString runDir = page.runner()->runDir();
        page.start(); // again while training
        QVERIFY2(page.statusText().startsWith("Cannot start: this window is training"), qPrintable(page.statusText()));

        // Closing asks; "Keep training" keeps the window and the run.
        window.show();
        QTimer::singleShot(200, this, [] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box && box->objectName() == "closeWhileTraining");
            for (QAbstractButton* b : box->buttons())
                if (b->text() == "Keep training") b->click();
        });
        QVERIFY(!window.close());
        QVERIFY(page.runner()->isRunning());

        page.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(page.resumableRun(), runDir);
        const RunInfo stopped = RunInfo::load(runDir.toStdString());
        QCOMPARE(QString::fromStdString(stopped.status), QString("cancelled"));
        QVERIFY(stopped.steps > 0 && stopped.steps < stopped.totalSteps);

        // Resume: the curve so far is drawn first, then training goes on to the end.
        page.resumeRun(page.resumableRun());
        QVERIFY(page.runner()->isRunning());
        QVERIFY(page.lossChart()->pointCount(page.lossSeries()) > 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QVERIFY(page.resumableRun().isEmpty());
        const RunInfo done = RunInfo::load(runDir.toStdString());
        QCOMPARE(done.epochsDone, 3);
        QCOMPARE(done.steps, done.totalSteps);
        std::int64_t last = 0;
        int epochRows = 0;
        const MetricsLog metrics = MetricsLog::load(runDir.toStdString() + "/metrics.csv");
        for (const MetricsRow& r : metrics.rows()) {
            if (r.kind == MetricsRow::Kind::Epoch) {
                ++epochRows;
                continue;
            }
            QVERIFY2(r.step > last, qPrintable(QString("step %1 after %2").arg(r.step).arg(last)));
            last = r.step;
        }
        QCOMPARE(epochRows, 3);

        // Closing while training with "Stop and close": the run stops with its checkpoint.
        page.start();
        QTRY_VERIFY_WITH_TIMEOUT(page.lossChart()->pointCount(page.lossSeries()) > 5, 30000);
        const QString second = page.runner()->runDir();
        QTimer::singleShot(200, this, [] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box);
            for (QAbstractButton* b : box->buttons())
                if (b->text() == "Stop and close") b->click();
        });
        QVERIFY(window.close());
        page.runner()->stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 10000);
        QCOMPARE(QString::fromStdString(RunInfo::load(second.toStdString()).status), QString("cancelled"));
    }
};

QTEST_MAIN(TestRunPage)
#include "test_run_page.moc"
