// SPDX-License-Identifier: GPL-3.0-or-later
// Cancel from any phase: loading data (parsing), training (reading data, steps, validation)
// and evaluation (reading data, scoring, baselines). Each cancel must reach the GUI thread as
// "cancelled" within one second; the worker thread is then joined at once, and repeating the
// cycle leaves no threads behind. (Leaks: the ASan build of docs/reliability.md runs this too.)
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "app/adapters/dataset_runner.h"
#include "app/adapters/evaluation_runner.h"
#include "app/adapters/training_runner.h"
#include "engine/config/run_config.h"
#include "engine/core/job.h"
#include "engine/demo/demo_generator.h"
#include "engine/training/training_job.h"

using namespace logbert;
using namespace logbert::gui;

namespace {

int threadCount() { return int(QDir("/proc/self/task").entryList(QDir::Dirs | QDir::NoDotAndDotDot).size()); }

struct CancelTiming {
    qint64 latencyMs = -1; ///< cancel() to the "cancelled" signal on the GUI thread
    qint64 joinMs = -1;    ///< destroying the runner (joins its thread)
    QString phase;         ///< the phase that was cancelled
    QString outcome;       ///< what the runner reported ("cancelled")
};

} // namespace

class TestCancel : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;
    QString trainedRun;
    QStringList table;

    RunConfig config(std::vector<std::string> extra = {}) const {
        ConfigSources s;
        s.runFile = demo.configPath;
        s.overrides = {"model.hidden_size=32", "model.num_hidden_layers=1", "model.num_attention_heads=2",
                       "model.max_seq_len=64", "training.num_epochs=50", "training.batch_size=16", "training.threads=1"};
        for (auto& e : extra) s.overrides.push_back(e);
        return loadRunConfig(s);
    }

    /// Starts a runner, waits until `inPhase` says the job has reached the phase, cancels it
    /// and times the answer and the join.
    template <typename Runner, typename Start, typename Cancel>
    CancelTiming cancelDuring(Start start, Cancel cancel, const QString& phase, bool viaStep = false) {
        CancelTiming c;
        auto runner = std::make_unique<Runner>();
        bool reached = false, done = false;
        QString reachedPhase, outcome;
        connect(runner.get(), &Runner::progress, this, [&](const JobProgress& p) {
            if (!reached && QString::fromStdString(p.phase) == phase) reached = true, reachedPhase = phase;
        });
        if constexpr (std::is_same_v<Runner, TrainingRunner>) {
            if (viaStep)
                connect(runner.get(), &TrainingRunner::stepReported, this, [&](const TrainingStep&) {
                    if (!reached) reached = true, reachedPhase = "training steps";
                });
        }
        if constexpr (std::is_same_v<Runner, EvaluationRunner>) {
            connect(runner.get(), &EvaluationRunner::finished, this, [&](const EvaluatedRun&) { outcome = "finished", done = true; });
        }
        if constexpr (std::is_same_v<Runner, TrainingRunner>) {
            // A stopped training run ends with a summary marked cancelled (its checkpoint saved).
            connect(runner.get(), &TrainingRunner::finished, this, [&](const TrainingSummary& s) {
                outcome = s.cancelled ? "cancelled" : "finished", done = true;
            });
        }
        connect(runner.get(), &Runner::failed, this, [&](const QString& e) { outcome = e, done = true; });
        QElapsedTimer clock;
        start(*runner);
        (void)QTest::qWaitFor([&] { return reached || done; }, 60000);
        if (done) {
            qWarning("%s: the job ended (%s) before the phase was reached", qPrintable(phase), qPrintable(outcome));
            return c;
        }
        clock.start();
        cancel(*runner);
        while (!done && clock.elapsed() < 10000) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        c.latencyMs = clock.elapsed();
        c.outcome = outcome;
        QElapsedTimer join;
        join.start();
        runner.reset();
        c.joinMs = join.elapsed();
        c.phase = reachedPhase;
        return c;
    }

    void record(const QString& job, const CancelTiming& c) {
        table << QString("%1 | %2 | %3 ms | %4 ms").arg(job, c.phase).arg(c.latencyMs).arg(c.joinMs);
        QVERIFY2(c.latencyMs >= 0, qPrintable(job + ": phase not reached"));
        QCOMPARE(c.outcome, QString("cancelled"));
        QVERIFY2(c.latencyMs < 1000, qPrintable(QString("%1 during %2: %3 ms").arg(job, c.phase).arg(c.latencyMs)));
        QVERIFY2(c.joinMs < 1000, qPrintable(QString("%1: join took %2 ms").arg(job).arg(c.joinMs)));
    }

private slots:
    void initTestCase() {
        // Large enough that every phase lasts well over a second on one core.
        demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{11, 40000, 0.03});
        // A trained run to evaluate: one short epoch.
        TrainingJob job(TrainingParams{config({"training.num_epochs=1", "data.sample_ratio=0.1"}),
                                       dir.filePath("trained").toStdString(), false},
                        {});
        job.run({});
        trainedRun = dir.filePath("trained");
    }

    void cancelLoadingData() {
        const DataConfig data = config().data;
        record("load dataset", cancelDuring<DatasetRunner>([&](DatasetRunner& r) { r.start(data); },
                                                           [](DatasetRunner& r) { r.cancel(); }, "parsing"));
    }

    void cancelTraining_data() {
        QTest::addColumn<QString>("phase");
        QTest::newRow("reading data") << "reading data";
        QTest::newRow("training steps") << "";
        QTest::newRow("validating") << "validating";
    }
    void cancelTraining() {
        QFETCH(QString, phase);
        static int n = 0;
        // Validation comes after a whole epoch: a share of the data keeps that short.
        const RunConfig c = config(phase == "validating" ? std::vector<std::string>{"data.sample_ratio=0.2"}
                                                         : std::vector<std::string>{});
        const QString runDir = dir.filePath(QString("cancel-train-%1").arg(++n));
        CancelTiming result;
        result = cancelDuring<TrainingRunner>(
            [&](TrainingRunner& r) {
                r.start(TrainingParams{c, runDir.toStdString(), false});
            },
            [](TrainingRunner& r) { r.stop(); }, phase.isEmpty() ? "none" : phase, phase.isEmpty());
        record("train", result);
    }

    void cancelEvaluation_data() {
        QTest::addColumn<QString>("phase");
        QTest::newRow("parsing") << "parsing";
        QTest::newRow("scoring sessions") << "scoring sessions";
        QTest::newRow("baselines") << "baselines";
    }
    void cancelEvaluation() {
        QFETCH(QString, phase);
        record("evaluate", cancelDuring<EvaluationRunner>([&](EvaluationRunner& r) { r.start(trainedRun); },
                                                          [](EvaluationRunner& r) { r.cancel(); }, phase));
    }

    // Five more cancelled loads and trainings: no thread outlives its runner.
    void repeatedCancelsLeaveNoThreads() {
        const int before = threadCount();
        const DataConfig data = config().data;
        for (int i = 0; i < 5; ++i) {
            cancelDuring<DatasetRunner>([&](DatasetRunner& r) { r.start(data); }, [](DatasetRunner& r) { r.cancel(); },
                                        "parsing");
            const RunConfig c = config();
            cancelDuring<TrainingRunner>(
                [&](TrainingRunner& r) {
                    r.start(TrainingParams{c, dir.filePath(QString("repeat-%1").arg(i)).toStdString(), false});
                },
                [](TrainingRunner& r) { r.stop(); }, "none", true);
        }
        // None left behind; one fewer is fine (a thread of an earlier test may end meanwhile).
        const int after = threadCount();
        QVERIFY2(after <= before, qPrintable(QString("%1 threads before, %2 after").arg(before).arg(after)));
    }

    void cleanupTestCase() { qInfo("job | phase | cancel to signal | join\n%s", qPrintable(table.join('\n'))); }
};

QTEST_GUILESS_MAIN(TestCancel)
#include "test_cancel.moc"
