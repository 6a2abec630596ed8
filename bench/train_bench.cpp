// SPDX-License-Identifier: GPL-3.0-or-later
// Training and detection speed of the LogBERT engine (test-preset model: hidden 256, 4 layers,
// 4 heads), idle and beside a busy program, at training.threads 1, 2 and auto:
//  (a)   batch 32 on the HDFS training sessions (deeplog_hdfs), FFN 4 x hidden = 1024,
//  (ref) the same with the Python reference's shape: FFN 2 x hidden = 512,
//  (b)   batch 8 x 256 tokens (synthetic sessions of 255 keys),
// then detection sessions/s on the HDFS test sessions. "busy" runs one spinning process pinned
// to the last CPU beside the training (the bench starts and stops it). MFU: model FLOPs per
// second of the steps (engine/model/model_flops.h) over the matrix-product speed at the same
// thread count. A second table splits the step time into its phases.
// Figures are per epoch and include everything an epoch costs here (there is no centre pass:
// the centre is a running mean).
// Usage: train_bench [--threads 1,2,0] [--epochs N] [--cases a,ref,b,detect] [--load idle,busy]
// (threads 0 = auto)
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/config/run_config.h"
#include "engine/detection/evaluation.h"
#include "engine/platform/process_memory.h"
#include "engine/runtime/thread_policy.h"
#include "engine/runtime/torch_runtime.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"

using namespace logbert;
namespace fs = std::filesystem;

namespace {

std::string datasetsDir() {
    const char* env = std::getenv("LOGBERT_DATASETS");
    std::string dir = env && *env ? env : LOGBERT_DATASETS_DEFAULT;
    return fs::exists(fs::path(dir) / "deeplog_hdfs" / "hdfs_train") ? dir : "";
}

/// Linux: restart the peak-RSS counter (VmHWM) so that each case reports its own peak.
void resetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }
double peakRssMiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    return double(peakRssBytes()) / 1048576.0;
}

struct Figures {
    double sequencesPerSecond = 0, tokensPerSecond = 0, epochSeconds = 0;
    double estimatedEpochSeconds = 0; ///< what the Run page's "Estimate" predicted beforehand
    std::size_t sequences = 0;
    int threadsUsed = 0;
    std::string threadsReason;
    double modelGflops = 0; ///< model FLOPs per second of the steps
    StepPhases phases; ///< summed over the epoch's steps
    std::int64_t steps = 0;
};

struct Case {
    std::string name, label, dataYaml;
    int batch = 32, intermediate = 0; ///< 0: 4 x hidden
};

Figures train(const Case& c, const std::string& runDir, int threads, int epochs) {
    ConfigSources s;
    s.presetName = "test";
    s.dataFile = c.dataYaml;
    s.overrides = {"training.threads=" + std::to_string(threads), "training.batch_size=" + std::to_string(c.batch),
                   "training.num_epochs=" + std::to_string(epochs), "model.max_seq_len=256",
                   "model.intermediate_size=" + std::to_string(c.intermediate),
                   "training.early_stopping_patience=0", "data.sample_ratio=1", "data.max_files=0"};
    fs::remove_all(runDir);
    Figures f;
    double tokens = 0;
    TrainingCallbacks cb;
    cb.onSetup = [&](const TrainingSetup& setup) {
        f.sequences = setup.trainSequences;
        f.threadsUsed = setup.threads;
        f.threadsReason = setup.threadsReason;
    };
    cb.onStep = [&](const TrainingStep& step) {
        f.phases.batching += step.phases.batching;
        f.phases.forward += step.phases.forward;
        f.phases.loss += step.phases.loss;
        f.phases.backward += step.phases.backward;
        f.phases.optimizer += step.phases.optimizer;
        ++f.steps;
    };
    cb.onMetricsRow = [&](const MetricsRow& row) {
        if (row.kind == MetricsRow::Kind::Epoch) tokens = row.tokensPerSecond;
    };
    const RunConfig config = loadRunConfig(s);
    f.estimatedEpochSeconds = estimateTraining(config).secondsPerEpoch();
    TrainingJob job({config, runDir, false}, cb);
    const auto summary = job.run();
    const RunInfo info = RunInfo::load(runDir);
    f.epochSeconds = summary.seconds / summary.epochsDone;
    f.sequencesPerSecond = double(f.sequences) / f.epochSeconds;
    f.tokensPerSecond = tokens;
    f.modelGflops = info.modelGflopsPerSecond;
    return f;
}

/// One process spinning on `cpu` until stop(): the "other program" of the busy rows.
class BusyProcess {
public:
    explicit BusyProcess(int cpu) {
        pid_ = fork();
        if (pid_ == 0) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            sched_setaffinity(0, sizeof one, &one);
            for (volatile unsigned long i = 0;; ++i) {
            }
        }
    }
    ~BusyProcess() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    BusyProcess(const BusyProcess&) = delete;
    BusyProcess& operator=(const BusyProcess&) = delete;

private:
    pid_t pid_ = -1;
};

int lastCpu() {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    sched_getaffinity(0, sizeof mask, &mask);
    int last = 0;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &mask)) last = c;
    return last;
}

std::vector<std::string> splitList(const char* text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) items.push_back(item);
    return items;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string threadsText(int setting, int used) {
    return (setting > 0 ? std::to_string(setting) : "auto") + (setting > 0 ? "" : "->" + std::to_string(used));
}

std::string writeLongSessions(const std::string& dir, std::size_t count, int length) {
    fs::create_directories(dir);
    const std::string keys = dir + "/long_sessions";
    std::ofstream out(keys);
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> key(1, 40);
    for (std::size_t i = 0; i < count; ++i) {
        for (int k = 0; k < length; ++k) out << (k ? " " : "") << key(rng);
        out << "\n";
    }
    const std::string yaml = dir + "/long.data.yaml";
    std::ofstream y(yaml);
    y << "data:\n  inputs:\n    - {path: " << keys << ", kind: deeplog, label: normal}\n"
      << "  split: {train_ratio: 0.9, validation_ratio: 0.05}\n";
    return yaml;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<int> threadCounts{1, 2, 0};
    std::vector<std::string> cases{"a", "ref", "b", "detect"}, loads{"idle", "busy"};
    int epochs = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--threads") {
            threadCounts.clear();
            for (const auto& t : splitList(argv[i + 1])) threadCounts.push_back(std::atoi(t.c_str()));
        } else if (flag == "--epochs") {
            epochs = std::atoi(argv[i + 1]);
        } else if (flag == "--cases") {
            cases = splitList(argv[i + 1]);
        } else if (flag == "--load") {
            loads = splitList(argv[i + 1]);
        }
    }
    const std::string root = datasetsDir();
    if (root.empty()) {
        std::printf("SKIP: ../shared/datasets/deeplog_hdfs not found (set LOGBERT_DATASETS)\n");
        return 0;
    }
    setenv("LOGBERT_DATASETS", root.c_str(), 1);
    const std::string work = (fs::temp_directory_path() / "logbert-train-bench").string();
    const std::string hdfs = std::string(LOGBERT_SOURCE_DIR) + "/examples/hdfs-deeplog.data.yaml";
    // 254 keys + [END] + [DIST] = 256 tokens per sequence.
    const std::string longYaml = writeLongSessions(work + "/long", 400, 254);
    const std::vector<Case> all{{"a", "(a) HDFS sessions, batch 32, FFN 1024", hdfs, 32, 0},
                                {"ref", "(ref) HDFS sessions, batch 32, FFN 512", hdfs, 32, 512},
                                {"b", "(b) batch 8 x 256 tokens, FFN 1024", longYaml, 8, 0}};

    std::printf("model: hidden 256, 4 layers, 4 heads (test preset), %d epoch(s) per figure; busy: one spinning "
                "process on CPU %d\n\n", epochs, lastCpu());
    // The machine's limit per thread count: the best of five idle matrix-product timings.
    std::map<int, double> ceiling;
    for (int threads : threadCounts) {
        const int used = threads > 0 ? threads : cpuBudget().cpus;
        ceiling[used] = measureMatmulGflops(used, 5);
    }
    std::printf("matrix-product ceiling (float, fastest of 4 shapes, best of 5, idle):");
    for (const auto& [threads, gflops] : ceiling) std::printf("  %d thread%s %.1f GFLOP/s", threads, threads == 1 ? "" : "s", gflops);
    std::printf("\nMFU: the steps' model FLOP/s over the idle ceiling at the thread count used\n\n");
    std::printf("%-40s %-5s %-7s %8s %9s %8s %8s %8s %6s %8s\n", "case", "load", "threads", "seq/s", "tokens/s",
                "epoch s", "estimate", "model GF", "MFU %", "peak MiB");
    std::vector<std::pair<std::string, Figures>> breakdown;
    for (const Case& c : all) {
        if (!contains(cases, c.name)) continue;
        for (const std::string& load : loads) {
            for (int threads : threadCounts) {
                resetPeakRss();
                std::unique_ptr<BusyProcess> busy;
                if (load == "busy") busy = std::make_unique<BusyProcess>(lastCpu());
                const Figures f = train(c, work + "/" + c.name, threads, epochs);
                busy.reset();
                const double limit = ceiling.count(f.threadsUsed) ? ceiling[f.threadsUsed] : 0;
                std::printf("%-40s %-5s %-7s %8.1f %9.0f %8.1f %8.1f %8.1f %6.1f %8.0f\n", c.label.c_str(), load.c_str(),
                            threadsText(threads, f.threadsUsed).c_str(), f.sequencesPerSecond, f.tokensPerSecond,
                            f.epochSeconds, f.estimatedEpochSeconds, f.modelGflops,
                            limit > 0 ? 100 * f.modelGflops / limit : 0.0, peakRssMiB());
                std::fflush(stdout);
                if (load == "idle") breakdown.emplace_back(c.name + " " + threadsText(threads, f.threadsUsed), f);
            }
        }
    }
    if (!breakdown.empty()) {
        std::printf("\nwhere a step's time goes (idle; ms per step, share of the step)\n");
        std::printf("%-14s %9s %16s %16s %16s %16s %16s\n", "case threads", "ms/step", "batching", "forward", "loss",
                    "backward", "optimizer");
        for (const auto& [name, f] : breakdown) {
            const double total = f.phases.total(), n = double(std::max<std::int64_t>(1, f.steps));
            auto cell = [&](double phase) {
                char text[32];
                std::snprintf(text, sizeof text, "%6.2f (%4.1f%%)", 1000 * phase / n, 100 * phase / total);
                return std::string(text);
            };
            std::printf("%-14s %9.2f %16s %16s %16s %16s %16s\n", name.c_str(), 1000 * total / n,
                        cell(f.phases.batching).c_str(), cell(f.phases.forward).c_str(), cell(f.phases.loss).c_str(),
                        cell(f.phases.backward).c_str(), cell(f.phases.optimizer).c_str());
        }
    }
    if (contains(cases, "detect") && fs::exists(work + "/a/model.pt")) {
        std::printf("\n%-44s %7s %9s %12s %9s\n", "detection", "threads", "seconds", "sessions/s", "peak MiB");
        for (int threads : threadCounts) {
            if (threads <= 0) continue;
            // Every validation and test session of the HDFS split (22,838 + 486).
            resetPeakRss();
            const EvaluationResult r = evaluateRun(work + "/a", nullptr, {}, threads);
            std::printf("%-44s %7d %9.1f %12.0f %9.0f\n", "HDFS validation + test sessions", threads, r.scoringSeconds,
                        double(r.sessionsScored) / r.scoringSeconds, peakRssMiB());
            std::fflush(stdout);
        }
    }
    std::printf("\npeak RSS of the whole bench %.0f MiB\n", double(peakRssBytes()) / 1048576.0);
    fs::remove_all(work);
    return 0;
}
