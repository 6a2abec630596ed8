// SPDX-License-Identifier: GPL-3.0-or-later
// Training, checkpoints, resume, cancel and deterministic detection, with a tiny model on the
// generated demo data (seconds, no public datasets needed).
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/config/run_config.h"
#include "engine/core/errors.h"
#include "engine/demo/demo_generator.h"
#include "engine/detection/evaluation.h"
#include "engine/detection/evaluation_cache.h"
#include "engine/detection/session_scorer.h"
#include "engine/training/metrics_log.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"
#include "test_support.h"

using namespace logbert;

class TestTraining : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;

    /// A tiny model on the demo data; one thread so that runs are bit-for-bit repeatable.
    RunConfig tinyConfig(std::vector<std::string> extra = {}) {
        ConfigSources s;
        s.runFile = demo.configPath;
        s.overrides = {"model.hidden_size=64",     "model.num_hidden_layers=2", "model.num_attention_heads=2",
                       "model.max_seq_len=64",     "training.num_epochs=5",     "training.batch_size=32",
                       "training.threads=1",       "training.log_every=5",      "training.learning_rate=0.002"};
        for (auto& e : extra) s.overrides.push_back(e);
        return loadRunConfig(s);
    }
    std::string runDir(const char* name) { return dir.filePath(name).toStdString(); }

    static std::string readAll(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

private slots:
    void initTestCase() { demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{11, 1200, 0.05}); }

    void badConfigsFailBeforeAnyWork() {
        QVERIFY(testsupport::inputErrorOf([&] { tinyConfig({"model.num_attention_heads=3"}); })
                    .contains("num_attention_heads (3) must divide hidden_size (64)"));
        QVERIFY(testsupport::inputErrorOf([&] { tinyConfig({"detection.top_g=0"}); }).contains("detection.top_g"));
        // A batch larger than the data: known only after reading it, still before the run folder.
        TrainingJob job({tinyConfig({"training.batch_size=100000"}), runDir("too-big"), false});
        const QString error = testsupport::inputErrorOf([&] { job.run(); });
        QVERIFY2(error.contains("training.batch_size") && error.contains("larger than the"), qPrintable(error));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(runDir("too-big"))));
        // Resuming a folder that is not a run.
        QVERIFY(testsupport::inputErrorOf([&] { loadRunFolderConfig(runDir("nowhere")); }).contains("no such run folder"));
    }

    void tinyModelDetectsDemoAnomalies() {
        std::vector<TrainingStep> steps;
        std::vector<TrainingEpoch> epochs;
        TrainingCallbacks cb;
        cb.onStep = [&](const TrainingStep& s) { steps.push_back(s); };
        cb.onEpoch = [&](const TrainingEpoch& e) { epochs.push_back(e); };
        TrainingJob job({tinyConfig(), runDir("tiny"), false}, cb);
        const TrainingSummary summary = job.run();
        QVERIFY(!summary.cancelled);
        QCOMPARE(epochs.size(), std::size_t(5));
        QCOMPARE(summary.steps, steps.back().step);
        QVERIFY(epochs.back().validationLoss < epochs.front().validationLoss); // it learns
        for (const char* f : {"config.yaml", "metrics.csv", "vocabulary.txt", "parser.drain", "checkpoint.pt", "model.pt", "run.json"})
            QVERIFY2(QFileInfo::exists(QString::fromStdString(runFilePath(runDir("tiny"), f))), f);

        const EvaluationResult result = evaluateRun(runDir("tiny"), job.dataset());
        saveEvaluation(runDir("tiny"), result, *job.dataset());
        const Confusion& c = result.detector("logbert")->test;
        qInfo("tiny LogBERT on demo data: precision %.3f recall %.3f F1 %.3f (TP %llu FP %llu FN %llu TN %llu)",
              c.precision(), c.recall(), c.f1(), (unsigned long long)c.tp, (unsigned long long)c.fp,
              (unsigned long long)c.fn, (unsigned long long)c.tn);
        // Chance (flagging at the anomaly rate) would give F1 ~ 0.05 here; this model measured
        // F1 0.96 on a similar demo set.
        QVERIFY2(c.f1() >= 0.85, qPrintable(QString::number(c.f1())));
        QVERIFY(QFileInfo::exists(QString::fromStdString(runFilePath(runDir("tiny"), run_files::kResults))));
        QVERIFY(QFileInfo::exists(QString::fromStdString(runFilePath(runDir("tiny"), run_files::kScores))));
    }

    void scoresAreIdenticalAcrossEvaluations() {
        const std::string a = readAll(runFilePath(runDir("tiny"), run_files::kScores));
        const EvaluationResult again = evaluateRun(runDir("tiny"), nullptr); // new scorer, dataset rebuilt
        saveEvaluation(runDir("tiny"), again, *std::make_shared<Dataset>(buildDataset(tinyConfig().data)));
        QCOMPARE(readAll(runFilePath(runDir("tiny"), run_files::kScores)), a);
    }

    void savedEvaluationReopensExactly() {
        namespace fs = std::filesystem;
        const std::string run = runDir("tiny");
        const Dataset data = buildDataset(tinyConfig().data);
        const EvaluationResult fresh = evaluateRun(run, std::make_shared<Dataset>(data));
        saveEvaluation(run, fresh, data);
        std::string why;
        const auto saved = loadEvaluationCache(run, evaluationFingerprint(run, data), data, &why);
        QVERIFY2(saved, why.c_str());
        QCOMPARE(evaluationJson(*saved), evaluationJson(fresh)); // thresholds, detectors, sweeps
        QCOMPARE(saved->sessions.size(), fresh.sessions.size());
        for (std::size_t i = 0; i < fresh.sessions.size(); ++i) {
            const auto &a = saved->sessions[i], &b = fresh.sessions[i];
            QVERIFY(a.index == b.index && a.split == b.split && a.label == b.label && a.flagged == b.flagged);
            QVERIFY(a.score.distance == b.score.distance && a.score.endRank == b.score.endRank);
            QCOMPARE(a.score.missed.size(), b.score.missed.size());
            for (std::size_t k = 0; k < a.score.missed.size(); ++k) {
                QCOMPARE(a.score.missed[k].rank, b.score.missed[k].rank);
                QCOMPARE(a.score.missed[k].probability, b.score.missed[k].probability);
                QCOMPARE(a.score.missed[k].predictions, b.score.missed[k].predictions);
            }
        }

        // A copy of the run whose model then changes (trained further): not used.
        const std::string copy = runDir("tiny-retrained");
        fs::copy(run, copy, fs::copy_options::recursive);
        QVERIFY(loadEvaluationCache(copy, evaluationFingerprint(copy, data), data));
        std::ofstream(runFilePath(copy, run_files::kModel), std::ios::app) << 'x';
        QVERIFY(!loadEvaluationCache(copy, evaluationFingerprint(copy, data), data, &why));
        QCOMPARE(why, std::string("model, config or data changed since the evaluation"));
        // Other data: one session fewer.
        Dataset fewer = data;
        fewer.sessions.pop_back();
        fewer.splits.pop_back();
        QVERIFY(!loadEvaluationCache(run, evaluationFingerprint(run, fewer), fewer, &why));
        QCOMPARE(why, std::string("model, config or data changed since the evaluation"));
        // Damaged files: every one of 64 flipped bytes and a truncation is noticed.
        const std::string cachePath = runFilePath(copy, run_files::kEvaluationCache);
        const std::string bytes = readAll(runFilePath(run, run_files::kEvaluationCache));
        for (std::size_t i = 0; i < 64; ++i) {
            std::string damaged = bytes;
            damaged[(i * 7919) % damaged.size()] ^= char(1 + i % 255);
            std::ofstream(cachePath, std::ios::binary | std::ios::trunc) << damaged;
            QVERIFY(!loadEvaluationCache(copy, evaluationFingerprint(run, data), data, &why));
            QCOMPARE(why, std::string("saved evaluation is damaged"));
        }
        std::ofstream(cachePath, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
        QVERIFY(!loadEvaluationCache(copy, evaluationFingerprint(run, data), data, &why));
        QCOMPARE(why, std::string("saved evaluation is damaged"));
        fs::remove(cachePath);
        QVERIFY(!loadEvaluationCache(copy, evaluationFingerprint(run, data), data, &why));
        QCOMPARE(why, std::string("not evaluated yet"));
    }

    void repeatedSessionsScoreLikeTheirFirstCopy() {
        // The scorer scores each distinct key list once and hands its score to every copy.
        SessionScorer scorer(runDir("tiny"));
        const Dataset d = buildDataset(tinyConfig().data);
        auto sessions = d.sessionsIn(Split::Test);
        const auto once = scorer.score(sessions);
        auto twice = sessions;
        twice.insert(twice.end(), sessions.rbegin(), sessions.rend());
        const auto again = scorer.score(twice);
        QCOMPARE(again.size(), 2 * once.size());
        for (std::size_t i = 0; i < once.size(); ++i) {
            for (const auto* s : {&again[i], &again[again.size() - 1 - i]}) {
                QCOMPARE(s->distance, once[i].distance);
                QCOMPARE(s->missesAt(9), once[i].missesAt(9));
                QCOMPARE(s->masked, once[i].masked);
                QCOMPARE(s->keys, std::uint32_t(sessions[i]->keys.size()));
            }
        }
    }

    void resumeContinuesExactly() {
        // Cancel after step 50, resume, and compare with the uninterrupted run of the same config.
        std::atomic<bool> cancel{false};
        JobControl control;
        control.cancel = &cancel;
        TrainingCallbacks cb;
        cb.onStep = [&](const TrainingStep& s) {
            if (s.step == 50) cancel = true;
        };
        TrainingJob first({tinyConfig(), runDir("resumed"), false}, cb);
        const TrainingSummary stopped = first.run(control);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.steps, std::int64_t(50));
        QCOMPARE(RunInfo::load(runDir("resumed")).status, std::string("cancelled"));

        std::int64_t firstStepAfterResume = 0;
        TrainingCallbacks cb2;
        cb2.onStep = [&](const TrainingStep& s) {
            if (!firstStepAfterResume) firstStepAfterResume = s.step;
        };
        TrainingJob second({loadRunFolderConfig(runDir("resumed")), runDir("resumed"), true}, cb2);
        const TrainingSummary finished = second.run();
        QVERIFY(!finished.cancelled);
        QCOMPARE(firstStepAfterResume, std::int64_t(51));

        const auto resumed = MetricsLog::load(runFilePath(runDir("resumed"), run_files::kMetrics)).rows();
        const auto straight = MetricsLog::load(runFilePath(runDir("tiny"), run_files::kMetrics)).rows();
        QCOMPARE(resumed.size(), straight.size());
        for (std::size_t i = 0; i < resumed.size(); ++i) {
            QCOMPARE(resumed[i].step, straight[i].step); // no repeated or skipped steps
            QCOMPARE(resumed[i].kind, straight[i].kind);
            if (i && resumed[i].kind == resumed[i - 1].kind) QVERIFY(resumed[i].step > resumed[i - 1].step);
        }
        // Model, optimizer, RNG and centre were all restored: the final weights score alike.
        SessionScorer a(runDir("resumed")), b(runDir("tiny"));
        Dataset d = buildDataset(tinyConfig().data);
        auto sessions = d.sessionsIn(Split::Test);
        auto sa = a.score(sessions), sb = b.score(sessions);
        for (std::size_t i = 0; i < sa.size(); ++i) {
            QCOMPARE(sa[i].missesAt(9), sb[i].missesAt(9));
            QCOMPARE(sa[i].distance, sb[i].distance);
        }
    }

    void distinctSequencesTrainEachOncePerEpoch() {
        TrainingSetup setup;
        TrainingCallbacks cb;
        cb.onSetup = [&](const TrainingSetup& s) { setup = s; };
        TrainingJob job({tinyConfig({"training.duplicates=once", "training.batch_size=8", "training.num_epochs=10"}), runDir("distinct"), false}, cb);
        const TrainingSummary summary = job.run();
        const RunInfo merged = RunInfo::load(runDir("distinct")), plain = RunInfo::load(runDir("tiny"));
        // Every training sequence is represented; each distinct one is a row once per epoch.
        QCOMPARE(merged.trainSequences, plain.trainSequences);
        QVERIFY2(merged.distinctTrainSequences > 0 && merged.distinctTrainSequences < merged.trainSequences,
                 qPrintable(QString("%1 of %2").arg(merged.distinctTrainSequences).arg(merged.trainSequences)));
        QCOMPARE(plain.distinctTrainSequences, std::uint64_t(0));
        QCOMPARE(setup.distinctTrainSequences, std::size_t(merged.distinctTrainSequences));
        QCOMPARE(setup.stepsPerEpoch, std::int64_t((merged.distinctTrainSequences + 7) / 8));
        QCOMPARE(summary.steps, 10 * setup.stepsPerEpoch);
        QVERIFY(readAll(runFilePath(runDir("distinct"), run_files::kConfig)).find("duplicates: once") != std::string::npos);
        const EvaluationResult result = evaluateRun(runDir("distinct"), job.dataset());
        const Confusion& c = result.detector("logbert")->test;
        qInfo("distinct sequences: %llu of %llu, %lld steps; F1 %.3f", (unsigned long long)merged.distinctTrainSequences,
              (unsigned long long)merged.trainSequences, (long long)summary.steps, c.f1());
        QVERIFY2(c.f1() >= 0.85, qPrintable(QString::number(c.f1())));
    }

    void resumeOfAFinishedRunDoesNothing() {
        TrainingJob again({loadRunFolderConfig(runDir("tiny")), runDir("tiny"), true});
        const TrainingSummary s = again.run();
        QCOMPARE(s.epochsDone, 5);
        QCOMPARE(MetricsLog::load(runFilePath(runDir("tiny"), run_files::kMetrics)).rows().back().epoch, 5);
    }

    void cancelStopsWithinASecond() {
        std::atomic<bool> cancel{false};
        std::atomic<bool> started{false};
        JobControl control;
        control.cancel = &cancel;
        TrainingCallbacks cb;
        cb.onStep = [&](const TrainingStep&) { started = true; };
        // A bigger model, so that a step is not trivially short.
        TrainingJob job({tinyConfig({"model.hidden_size=128", "model.num_hidden_layers=2", "training.num_epochs=50"}),
                         runDir("cancelled"), false},
                        cb);
        TrainingSummary summary;
        std::thread worker([&] { summary = job.run(control); });
        while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const auto t0 = std::chrono::steady_clock::now();
        cancel = true;
        worker.join();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        qInfo("cancel returned after %.3f s (checkpoint included)", seconds);
        QVERIFY(summary.cancelled);
        QVERIFY2(seconds < 1.0, qPrintable(QString::number(seconds)));
        QVERIFY(QFileInfo::exists(QString::fromStdString(runFilePath(runDir("cancelled"), run_files::kCheckpoint))));
    }

    void pauseHoldsTraining() {
        std::atomic<bool> pause{true}, cancel{false};
        JobControl control;
        control.pause = &pause;
        control.cancel = &cancel;
        std::atomic<int> steps{0};
        TrainingCallbacks cb;
        cb.onStep = [&](const TrainingStep&) { ++steps; };
        TrainingJob job({tinyConfig({"training.num_epochs=1"}), runDir("paused"), false}, cb);
        std::thread worker([&] { job.run(control); });
        std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // data read, then held
        QCOMPARE(steps.load(), 0);
        pause = false;
        worker.join();
        QVERIFY(steps.load() > 0);
    }

    void transferLearningStartsFromAnotherRun() {
        std::vector<std::string> messages;
        TrainingCallbacks cb;
        cb.onMessage = [&](const std::string& m) { messages.push_back(m); };
        TrainingJob job({tinyConfig({"training.init_from=" + runDir("tiny"), "model.num_hidden_layers=3",
                                     "training.num_epochs=1"}),
                         runDir("transfer"), false},
                        cb);
        job.run();
        bool found = false;
        for (const auto& m : messages) found |= m.find("initialized") != std::string::npos && m.find("left fresh") != std::string::npos;
        QVERIFY(found);
        QVERIFY(testsupport::inputErrorOf([&] {
                    TrainingJob bad({tinyConfig({"training.init_from=" + runDir("tiny"), "model.hidden_size=32"}),
                                     runDir("transfer-bad"), false});
                    bad.run();
                }).contains("hidden_size 64 differs"));
    }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "test_training.moc"
