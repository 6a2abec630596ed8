// SPDX-License-Identifier: GPL-3.0-or-later
// The Qt side of training: the runner delivers the engine job's progress on the GUI thread,
// pauses, stops within a second and reports failures; the live chart coalesces replots and
// exports. Offscreen, with a tiny model on generated demo data.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <ctime>
#include <qcustomplot.h>

#include "app/adapters/training_runner.h"
#include "engine/platform/resource_sampler.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_folder.h"
#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "widgets/live_chart.h"

using namespace logbert;
using namespace logbert::gui;

class TestTrainingRunner : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;

    TrainingParams params(const QString& name, std::vector<std::string> extra = {}) {
        ConfigSources s;
        s.runFile = demo.configPath;
        s.overrides = {"model.hidden_size=32", "model.num_hidden_layers=1", "model.num_attention_heads=2",
                       "model.max_seq_len=64", "training.num_epochs=200", "training.batch_size=8",
                       "training.threads=1"};
        for (auto& e : extra) s.overrides.push_back(e);
        return TrainingParams{loadRunConfig(s), dir.filePath(name).toStdString(), false};
    }

private slots:
    void initTestCase() { demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{3, 600, 0.05}); }

    void progressArrivesPausesAndStops() {
        TrainingRunner runner;
        LiveChart chart;
        chart.resize(600, 400);
        const int loss = chart.addSeries("loss", Qt::blue);
        int steps = 0;
        connect(&runner, &TrainingRunner::stepReported, &chart, [&](const TrainingStep& s) {
            QCOMPARE(QThread::currentThread(), qApp->thread()); // delivered on the GUI thread
            chart.append(loss, double(s.step), s.loss);
            ++steps;
        });
        QSignalSpy finished(&runner, &TrainingRunner::finished);
        QElapsedTimer clock;
        clock.start();
        runner.start(params("live"));
        QVERIFY(runner.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(chart.pointCount(loss) >= 50, 30000);

        // Replots are coalesced: far fewer than steps, about one per 50 ms at most.
        QTest::qWait(200);
        const double seconds = double(clock.elapsed()) / 1000.0;
        QVERIFY2(chart.replotCount() <= int(seconds / 0.05) + 2,
                 qPrintable(QString("%1 replots in %2 s").arg(chart.replotCount()).arg(seconds)));
        QVERIFY2(chart.replotCount() < steps, qPrintable(QString("%1 replots for %2 steps").arg(chart.replotCount()).arg(steps)));
        QCOMPARE(chart.pointCount(loss), steps); // nothing lost between buffer and plot

        runner.setPaused(true);
        QTest::qWait(300); // one step may have been under way
        const int held = steps;
        QTest::qWait(600);
        QCOMPARE(steps, held);
        runner.setPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(steps > held, 5000);

        clock.restart();
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
        qInfo("stop -> finished in %lld ms (checkpoint included)", (long long)clock.elapsed());
        QVERIFY(clock.elapsed() < 1000);
        QVERIFY(finished.at(0).at(0).value<TrainingSummary>().cancelled);
        QVERIFY(!runner.isRunning());

        // LOGBERT_TEST_OUTPUT=DIR keeps a picture of the chart for a look.
        if (qEnvironmentVariableIsSet("LOGBERT_TEST_OUTPUT"))
            chart.exportTo(qEnvironmentVariable("LOGBERT_TEST_OUTPUT") + "/live_chart.png");
        for (const char* ext : {"png", "pdf", "svg", "csv"}) {
            const QString path = dir.filePath(QString("chart.") + ext);
            QVERIFY2(chart.exportTo(path), ext);
            QVERIFY2(QFileInfo(path).size() > 100, ext);
        }
    }

    // The Run page's resource chart gets the job's own samples: what it receives live is what
    // resources.csv holds afterwards, and run.json's cost figures come from the same samples.
    void liveResourceSamplesAreTheRunFoldersAndResumeContinuesThem() {
        TrainingRunner runner;
        std::vector<ResourceRow> live;
        connect(&runner, &TrainingRunner::resourcesSampled, this, [&](const ResourceRow& r) {
            QCOMPARE(QThread::currentThread(), qApp->thread());
            live.push_back(r);
        });
        QSignalSpy finished(&runner, &TrainingRunner::finished);
        runner.start(params("sampled", {"training.early_stopping_patience=0"})); // long enough to resume
        QTRY_VERIFY_WITH_TIMEOUT(live.size() >= 3, 30000);
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        const std::string runDir = dir.filePath("sampled").toStdString();
        const auto saved = ResourceLog::load(runDir + "/resources.csv").rows();
        QVERIFY2(saved.size() >= live.size() - 1 && saved.size() <= live.size(), // the last may come after the save
                 qPrintable(QString("%1 saved, %2 live").arg(saved.size()).arg(live.size())));
        double peak = 0;
        for (std::size_t i = 0; i < saved.size(); ++i) {
            QVERIFY(std::abs(saved[i].elapsedSeconds - live[i].elapsedSeconds) < 0.001);
            QCOMPARE(saved[i].step, live[i].step);
            QVERIFY(std::abs(saved[i].rssMegabytes - live[i].rssMegabytes) < 0.01);
            QVERIFY(std::abs(saved[i].cpuPercent - live[i].cpuPercent) < 0.1);
            QCOMPARE(saved[i].threads, live[i].threads);
            QVERIFY(saved[i].rssMegabytes > 10 && saved[i].threads >= 1);
            if (i) QVERIFY(saved[i].elapsedSeconds > saved[i - 1].elapsedSeconds && saved[i].step >= saved[i - 1].step);
            peak = std::max(peak, saved[i].rssMegabytes);
        }
        RunInfo info = RunInfo::load(runDir);
        QVERIFY(info.peakRssMegabytes >= peak - 0.01);
        QVERIFY(std::abs(info.trainingRssMegabytes - (info.peakRssMegabytes - info.startRssMegabytes)) < 0.01);
        QVERIFY(info.stepSeconds > 0 && info.trainedSequences >= double(info.steps)); // batch 8: 8 per step
        QVERIFY(std::abs(info.sequencesPerSecond - info.trainedSequences / info.stepSeconds) < 1e-6 * info.sequencesPerSecond);
        QVERIFY(info.tokensPerSecond > info.sequencesPerSecond);

        // A resumed run continues the samples after the last one: no time folds back.
        live.clear();
        TrainingParams resume = params("sampled", {"training.early_stopping_patience=0"});
        resume.resume = true;
        QSignalSpy failedResume(&runner, &TrainingRunner::failed);
        runner.start(resume);
        QTRY_VERIFY_WITH_TIMEOUT(live.size() >= 2 || failedResume.count() > 0, 30000);
        QVERIFY2(failedResume.isEmpty(), qPrintable(failedResume.value(0).value(0).toString()));
        runner.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        QVERIFY(live.front().elapsedSeconds > saved.back().elapsedSeconds);
        const auto after = ResourceLog::load(runDir + "/resources.csv").rows();
        QVERIFY(after.size() > saved.size());
        for (std::size_t i = 1; i < after.size(); ++i) QVERIFY(after[i].elapsedSeconds > after[i - 1].elapsedSeconds);
        const RunInfo resumed = RunInfo::load(runDir);
        QVERIFY(resumed.trainedSequences > info.trainedSequences && resumed.stepSeconds > info.stepSeconds);
    }

    void resourceSamplerSeesThisProcess() {
        ResourceSampler sampler;
        const std::clock_t cpuStart = std::clock();
        volatile double x = 0;
        QElapsedTimer busy;
        busy.start();
        while (busy.elapsed() < 200) x = x + 1.0; // keep one core busy (as far as the machine lets us)
        const ResourceSample s = sampler.sample();
        // What the process really got, by the C library's own clock: on a loaded machine less
        // than one core, so compare with that rather than with 100 %.
        const double expected = 100.0 * double(std::clock() - cpuStart) / CLOCKS_PER_SEC / (double(busy.elapsed()) / 1000.0);
        QVERIFY2(expected > 5 && std::abs(s.cpuPercent - expected) < 15 + 0.25 * expected,
                 qPrintable(QString("sampler %1 %, clock() %2 %").arg(s.cpuPercent).arg(expected)));
        QVERIFY(s.rssBytes > 10u * 1024 * 1024);
        QVERIFY(s.threads >= 1);
    }

    void failureIsASignalNotACrash() {
        TrainingRunner runner;
        QSignalSpy failed(&runner, &TrainingRunner::failed);
        runner.start(params("too-big", {"training.batch_size=100000"}));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QVERIFY2(failed.at(0).at(0).toString().contains("larger than the"), qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!runner.isRunning());
    }

    void destroyingARunningRunnerStopsIt() {
        auto* runner = new TrainingRunner;
        QSignalSpy steps(runner, &TrainingRunner::stepReported);
        runner->start(params("destroyed"));
        QTRY_VERIFY_WITH_TIMEOUT(steps.count() > 0, 20000);
        QElapsedTimer clock;
        clock.start();
        delete runner; // cancels and joins
        QVERIFY(clock.elapsed() < 1000);
    }
};

QTEST_MAIN(TestTrainingRunner)
#include "test_training_runner.moc"
