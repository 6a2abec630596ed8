// SPDX-License-Identifier: GPL-3.0-or-later
// Data-parallel training on torch.distributed (Gloo over 127.0.0.1): the launcher's environment,
// that 2 ranks x batch b train what 1 process x batch 2b trains (the all-reduce itself, not only
// that it runs), that ranks agree on stopping, resume with another world size, a lost rank, and
// `logbert train --nproc`. Includes LibTorch first (Qt's `slots` macro breaks its headers) to
// compare the weights themselves.
#include <torch/torch.h>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <map>
#include <thread>

#include "engine/demo/demo_generator.h"
#include "engine/model/logbert_model.h"
#include "engine/training/checkpoint.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"
#include "test_support.h"

using namespace logbert;

namespace {

int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    ::close(fd);
    return ntohs(addr.sin_port);
}

DistributedEnv rankEnv(int rank, int world, int port) {
    DistributedEnv env;
    env.rank = env.localRank = rank;
    env.worldSize = env.localWorldSize = world;
    env.masterAddress = "127.0.0.1";
    env.masterPort = port;
    env.launcher = "test";
    return env;
}

/// The weights and centre of a checkpoint, by name.
std::map<std::string, torch::Tensor> checkpointWeights(const std::string& runDir, const RunConfig& config) {
    const RunInfo info = RunInfo::load(runDir);
    LogBert model(logBertOptions(config.model, std::int64_t(info.vocabularySize)));
    torch::optim::AdamW optimizer(model->parameters());
    TrainingProgress progress;
    torch::Tensor centre, centreSum;
    loadCheckpoint(runFilePath(runDir, run_files::kCheckpoint), model, optimizer, progress, centre, centreSum);
    std::map<std::string, torch::Tensor> weights;
    for (const auto& p : model->named_parameters()) weights[p.key()] = p.value().detach().clone();
    weights["centre_sum"] = centreSum.to(torch::kFloat32);
    return weights;
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;

    /// A tiny model without dropout (dropout draws differ between layouts; nothing else does).
    RunConfig config(std::vector<std::string> extra = {}) {
        ConfigSources s;
        s.runFile = demo.configPath;
        s.overrides = {"model.hidden_size=32",   "model.num_hidden_layers=1", "model.num_attention_heads=2",
                       "model.max_seq_len=64",   "model.dropout=0",           "training.num_epochs=2",
                       "training.threads=1",     "training.log_every=1",      "training.learning_rate=0.002",
                       "training.distributed.timeout_seconds=60",
                       "training.early_stopping_patience=0"};
        for (auto& e : extra) s.overrides.push_back(e);
        return loadRunConfig(s);
    }
    std::string runDir(const char* name) { return dir.filePath(name).toStdString(); }

    /// Trains `world` ranks of one job as threads of this process, each with its own cancel flag.
    /// `onRank0Step` sees rank 0's steps (and may ask rank 0 alone to stop).
    std::vector<TrainingSummary> trainRanks(int world, const RunConfig& c, const std::string& out, bool resume,
                                            std::function<void(const TrainingStep&, std::atomic<bool>&)> onRank0Step = {}) {
        const int port = freePort();
        const std::size_t n = std::size_t(world);
        std::vector<TrainingSummary> summaries(n);
        std::vector<std::string> errors(n);
        std::vector<std::atomic<bool>> cancel(n);
        std::vector<std::thread> threads;
        for (int r = 0; r < world; ++r) {
            threads.emplace_back([&, r] {
                try {
                    TrainingParams p{c, out, resume};
                    p.distributed = rankEnv(r, world, port);
                    TrainingCallbacks cb;
                    if (r == 0 && onRank0Step) cb.onStep = [&](const TrainingStep& s) { onRank0Step(s, cancel[0]); };
                    JobControl control;
                    control.cancel = &cancel[std::size_t(r)];
                    TrainingJob job(p, cb);
                    summaries[std::size_t(r)] = job.run(control);
                } catch (const std::exception& e) {
                    errors[std::size_t(r)] = e.what();
                }
            });
        }
        for (auto& t : threads) t.join();
        for (int r = 0; r < world; ++r)
            if (!errors[std::size_t(r)].empty()) qFatal("rank %d failed: %s", r, errors[std::size_t(r)].c_str());
        return summaries;
    }

    /// No step is trained twice or skipped: metrics steps only grow, and every epoch trained each
    /// sequence once.
    void checkContinuity(const std::string& run, int epochs) {
        const auto rows = MetricsLog::load(runFilePath(run, run_files::kMetrics)).rows();
        std::int64_t last = 0;
        int epochRows = 0;
        for (const auto& row : rows) {
            if (row.kind == MetricsRow::Kind::Epoch) {
                ++epochRows;
                QCOMPARE(row.step, last);
                continue;
            }
            QVERIFY2(row.step == last + 1, qPrintable(QString("step %1 after %2").arg(row.step).arg(last)));
            last = row.step;
        }
        QCOMPARE(epochRows, epochs);
        const RunInfo info = RunInfo::load(run);
        QCOMPARE(info.status, std::string("trained"));
        QCOMPARE(info.trainedSequences, double(epochs) * double(info.trainSequences));
        QCOMPARE(info.steps, last);
    }

private slots:
    void initTestCase() { demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{5, 600, 0.05}); }

    void environmentIsReadLikeTorchrunAndSlurm() {
        auto from = [](std::map<std::string, std::string> vars) {
            return [vars](const char* name) -> const char* {
                auto it = vars.find(name);
                return it == vars.end() ? nullptr : it->second.c_str();
            };
        };
        const DistributedEnv none = readDistributedEnv(from({}));
        QVERIFY(!none.distributed());
        QCOMPARE(none.launcher, std::string("none"));
        const DistributedEnv torchrun = readDistributedEnv(from({{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"},
                                                                 {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_ADDR", "node0"},
                                                                 {"MASTER_PORT", "29500"}}));
        QCOMPARE(torchrun.rank, 3);
        QCOMPARE(torchrun.worldSize, 4);
        QCOMPARE(torchrun.localRank, 1);
        QCOMPARE(torchrun.masterAddress, std::string("node0"));
        QCOMPARE(torchrun.masterPort, 29500);
        QCOMPARE(torchrun.describe(), std::string("rank 3 of 4"));
        QVERIFY(!torchrun.writesRunFolder());
        QVERIFY(!torchrun.agentStore);
        // Under torchrun's agent the store exists already: ranks join it, under the attempt's prefix.
        const DistributedEnv agent = readDistributedEnv(from({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"},
                                                              {"MASTER_PORT", "29400"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                                              {"TORCHELASTIC_RESTART_COUNT", "2"}}));
        QVERIFY(agent.agentStore);
        QCOMPARE(agent.restartAttempt, 2);
        const DistributedEnv slurm = readDistributedEnv(from({{"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "2"}, {"SLURM_LOCALID", "1"},
                                                              {"MASTER_ADDR", "10.0.0.1"}, {"MASTER_PORT", "1234"}}));
        QCOMPARE(slurm.launcher, std::string("slurm"));
        QCOMPARE(slurm.rank, 1);
        QCOMPARE(slurm.worldSize, 2);
        // One Slurm task is one process: no rendezvous needed.
        QVERIFY(!readDistributedEnv(from({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}})).distributed());

        using testsupport::inputErrorOf;
        QVERIFY(inputErrorOf([&] { readDistributedEnv(from({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}})); })
                    .contains("RANK: expected an integer from 0 to 1, found '2'"));
        QVERIFY(inputErrorOf([&] { readDistributedEnv(from({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "4"}})); })
                    .contains("needs MASTER_ADDR and MASTER_PORT"));
        QVERIFY(inputErrorOf([&] { readDistributedEnv(from({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "http"}})); })
                    .contains("MASTER_PORT: expected an integer from 1 to 65535"));
    }

    void twoRanksTrainWhatOneProcessTrainsOnTheWholeBatch() {
        // 20 steps of 2 ranks x 8 against 20 steps of 1 process x 16, same data and seed.
        auto stopAt20 = [](const TrainingStep& s, std::atomic<bool>& cancel) {
            if (s.step == 20) cancel = true;
        };
        const RunConfig whole = config({"training.batch_size=16"});
        trainRanks(1, whole, runDir("one-process"), false, stopAt20);
        const RunConfig half = config({"training.batch_size=8"});
        const auto summaries = trainRanks(2, half, runDir("two-ranks"), false, stopAt20);
        for (const auto& s : summaries) { // rank 0 alone was asked to stop; both stopped at 20
            QVERIFY(s.cancelled);
            QCOMPARE(s.steps, std::int64_t(20));
        }
        const auto a = MetricsLog::load(runFilePath(runDir("one-process"), run_files::kMetrics)).rows();
        const auto b = MetricsLog::load(runFilePath(runDir("two-ranks"), run_files::kMetrics)).rows();
        QCOMPARE(a.size(), std::size_t(20));
        QCOMPARE(b.size(), a.size());
        double worstLoss = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].step, a[i].step);
            worstLoss = std::max({worstLoss, std::abs(a[i].loss - b[i].loss) / std::abs(a[i].loss),
                                  std::abs(a[i].mlkp - b[i].mlkp) / std::abs(a[i].mlkp)});
        }
        QVERIFY2(worstLoss < 1e-4, qPrintable(QString("losses differ by %1 (relative)").arg(worstLoss)));
        const auto wa = checkpointWeights(runDir("one-process"), whole), wb = checkpointWeights(runDir("two-ranks"), half);
        QCOMPARE(wb.size(), wa.size());
        double worstWeight = 0;
        // The key bias (the middle third of qkv.bias) has no gradient: softmax does not change when
        // every score of a query moves alike. Its "gradient" is float noise, which AdamW turns into
        // full-size steps, so it differs between any two summation orders; it is left out.
        auto comparable = [](const std::string& name, const torch::Tensor& t) {
            if (name.size() < 8 || name.compare(name.size() - 8, 8, "qkv.bias") != 0) return t;
            const std::int64_t d = t.size(0) / 3;
            return torch::cat({t.slice(0, 0, d), t.slice(0, 2 * d, 3 * d)});
        };
        for (const auto& [name, t] : wa) {
            const auto x = comparable(name, t), y = comparable(name, wb.at(name));
            // The centre sum adds ~1000 rows of magnitude ~1: relative to its size.
            const double scale = name == "centre_sum" ? std::max(1.0, x.abs().max().item<double>()) : 1.0;
            worstWeight = std::max(worstWeight, (x - y).abs().max().item<double>() / scale);
        }
        qInfo("2 ranks x 8 vs 1 x 16 over 20 steps: losses within %.2e (relative), weights within %.2e", worstLoss, worstWeight);
        QVERIFY2(worstWeight < 1e-4, qPrintable(QString("weights differ by %1").arg(worstWeight)));
        // The same comparison tells layouts apart when they differ: 1 x 8 is another run.
        trainRanks(1, half, runDir("one-process-half"), false, stopAt20);
        const auto wc = checkpointWeights(runDir("one-process-half"), half);
        double otherRun = 0;
        for (const auto& [name, t] : wa)
            if (name != "centre_sum") otherRun = std::max(otherRun, (comparable(name, t) - comparable(name, wc.at(name))).abs().max().item<double>());
        QVERIFY2(otherRun > 100 * worstWeight && otherRun > 1e-4, qPrintable(QString("1 x 8 differs by only %1").arg(otherRun)));
        QCOMPARE(RunInfo::load(runDir("two-ranks")).worldSize, 2);
        QCOMPARE(RunInfo::load(runDir("two-ranks")).backend, std::string("gloo"));
    }

    void resumesWithAnotherWorldSize() {
        // 2 ranks stopped mid-epoch, resumed by 1 process; and 1 process resumed by 2 ranks.
        const RunConfig c = config({"training.batch_size=8"});
        trainRanks(2, c, runDir("two-then-one"), false, [](const TrainingStep& s, std::atomic<bool>& cancel) {
            if (s.step == 7) cancel = true;
        });
        trainRanks(1, loadRunFolderConfig(runDir("two-then-one")), runDir("two-then-one"), true);
        checkContinuity(runDir("two-then-one"), 2);

        trainRanks(1, c, runDir("one-then-two"), false, [](const TrainingStep& s, std::atomic<bool>& cancel) {
            if (s.step == 9) cancel = true;
        });
        trainRanks(2, loadRunFolderConfig(runDir("one-then-two")), runDir("one-then-two"), true);
        checkContinuity(runDir("one-then-two"), 2);
        QCOMPARE(RunInfo::load(runDir("one-then-two")).worldSize, 2);
    }

    void aLostRankStopsTheOthersAndTheFolderResumes_data() {
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("timeoutSeconds");
        QTest::newRow("killed") << int(SIGKILL) << 20;
        QTest::newRow("hung") << int(SIGSTOP) << 4; // still connected, never answers: the timeout
    }

    void aLostRankStopsTheOthersAndTheFolderResumes() {
        // Two workers started as torchrun would; rank 1 is killed (or stopped) while they train.
        QFETCH(int, signal);
        QFETCH(int, timeoutSeconds);
        const int port = freePort();
        const QString out = QString::fromStdString(runDir(signal == SIGKILL ? "lost-rank" : "hung-rank"));
        const QStringList args{"train", QString::fromStdString(demo.configPath), "--out", out, "--no-evaluate",
                               "--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                               "--set", "model.num_attention_heads=2", "--set", "model.max_seq_len=64",
                               "--set", "training.batch_size=4", "--set", "training.num_epochs=40",
                               "--set", "training.threads=1", "--set", "training.checkpoint_seconds=0.2",
                               "--set", "training.distributed.timeout_seconds=" + QString::number(timeoutSeconds),
                               "--set", "training.early_stopping_patience=0", "--set", "training.log_every=1"};
        QProcess ranks[2];
        for (int r = 0; r < 2; ++r) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("RANK", QString::number(r));
            env.insert("WORLD_SIZE", "2");
            env.insert("MASTER_ADDR", "127.0.0.1");
            env.insert("MASTER_PORT", QString::number(port));
            ranks[r].setProcessEnvironment(env);
            ranks[r].start(LOGBERT_CLI_PATH, args);
            QVERIFY(ranks[r].waitForStarted());
        }
        // Wait for the first checkpoint, then kill rank 1 mid-epoch.
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + "/checkpoint.pt"), 60000);
        QTest::qWait(500);
        QCOMPARE(ranks[0].state(), QProcess::Running);
        ::kill(pid_t(ranks[1].processId()), signal);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(ranks[0].waitForFinished(1000 * (timeoutSeconds + 20)));
        const QString err = QString::fromUtf8(ranks[0].readAllStandardError());
        qInfo("rank 0 stopped %.1f s after rank 1 was %s (timeout %d s)", timer.elapsed() / 1000.0,
              signal == SIGKILL ? "killed" : "stopped", timeoutSeconds);
        if (signal == SIGSTOP) ::kill(pid_t(ranks[1].processId()), SIGKILL);
        QVERIFY2(ranks[0].exitCode() != 0, qPrintable(err));
        QVERIFY2(err.contains("rank 0 of 2: lost rank 1 during"), qPrintable(err.right(600)));
        QVERIFY(ranks[1].waitForFinished(5000));
        const RunInfo info = RunInfo::load(out.toStdString());
        QCOMPARE(info.status, std::string("failed"));
        QVERIFY(QString::fromStdString(info.error).contains("lost rank 1"));
        // The folder resumes in one process.
        const auto resumed = testsupport::runCli({"train", "--resume", out, "--no-evaluate", "--quiet"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err.right(600)));
        checkContinuity(out.toStdString(), 40);
    }

    void torchrunLaunchesTheRanks() {
        const QString torchrun = QStandardPaths::findExecutable("torchrun");
        if (torchrun.isEmpty()) QSKIP("SKIP: no torchrun on PATH (Debian: python3-torch)");
        const QString out = QString::fromStdString(runDir("torchrun"));
        QProcess p;
        // Underscores: torchrun 1.13 (Debian 12) knows only these; 2.x takes both spellings. And
        // under Python 3.11 its default "--redirects 0 --tee 0" fails (0 is no longer a member
        // when it iterates its flag enum); 1 works (stdout teed, stderr untouched).
        p.start(torchrun, {"--no_python", "--redirects", "1", "--tee", "1", "--nnodes", "1", "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
                           "--master_port", QString::number(freePort()), LOGBERT_CLI_PATH, "train",
                           QString::fromStdString(demo.configPath), "--out", out, "--no-evaluate",
                           "--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                           "--set", "model.num_attention_heads=2", "--set", "model.max_seq_len=64",
                           "--set", "training.num_epochs=1", "--set", "training.threads=1"});
        QVERIFY(p.waitForFinished(300000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        // Debian 13's torchrun (python3-torch 2.6) fails in its own agent, before any worker
        // starts: its TCPStore asks for the libuv server its LibTorch was built without.
        if (p.exitCode() != 0 && err.contains("use_libuv was requested but PyTorch was build without libuv support") &&
            err.contains("torch/distributed/elastic/rendezvous"))
            QSKIP("SKIP: this torchrun cannot rendezvous (its PyTorch lacks libuv but asks for it); logbert train --nproc is tested instead");
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(err.right(800)));
        QVERIFY2(err.contains("2 ranks (torchrun)"), qPrintable(err.right(800)));
        const RunInfo info = RunInfo::load(out.toStdString());
        QCOMPARE(info.worldSize, 2);
        QCOMPARE(info.status, std::string("trained"));
    }

    void nprocStartsLocalWorkers() {
        const QString out = QString::fromStdString(runDir("nproc"));
        const auto r = testsupport::runCli({"train", QString::fromStdString(demo.configPath), "--out", out, "--nproc", "2",
                                            "--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                                            "--set", "model.num_attention_heads=2", "--set", "model.max_seq_len=64",
                                            "--set", "training.num_epochs=1", "--set", "training.threads=1"});
        QVERIFY2(r.code == 0, qPrintable(r.err.right(800)));
        QVERIFY(r.err.contains("started 2 workers"));
        QVERIFY(r.err.contains("2 ranks (logbert --nproc)"));
        const RunInfo info = RunInfo::load(out.toStdString());
        QCOMPARE(info.worldSize, 2);
        QCOMPARE(info.status, std::string("trained"));
        QVERIFY(QFile::exists(out + "/results.json")); // rank 0 evaluated
        // A bad config fails once, before any worker starts.
        const auto bad = testsupport::runCli({"train", QString::fromStdString(demo.configPath), "--out", out + "-bad",
                                              "--nproc", "2", "--set", "training.batch_size=zero"});
        QCOMPARE(bad.code, 2);
        QVERIFY(!bad.err.contains("started"));
        QCOMPARE(bad.err.count("expected an integer"), 1);
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
