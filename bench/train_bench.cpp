// SPDX-License-Identifier: GPL-3.0-or-later
// Training and detection speed of the LogBERT engine, at 1 and 2 threads:
//  (a) hidden 256, 4 layers, 4 heads, batch 32 on the HDFS training sessions (deeplog_hdfs),
//  (b) the same model at batch 8 x 256 tokens (synthetic sessions of 255 keys),
//  detection sessions/s on the HDFS test sessions, and peak RSS.
// Figures are per epoch and include everything an epoch costs here (there is no centre pass:
// the centre is a running mean). Usage: train_bench [--threads 1,2] [--epochs N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/detection/evaluation.h"
#include "engine/platform/process_memory.h"
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
};

Figures train(const std::string& dataYaml, const std::string& runDir, int threads, int batch, int maxSeqLen, int epochs) {
    ConfigSources s;
    s.presetName = "test";
    s.dataFile = dataYaml;
    s.overrides = {"training.threads=" + std::to_string(threads), "training.batch_size=" + std::to_string(batch),
                   "training.num_epochs=" + std::to_string(epochs), "model.max_seq_len=" + std::to_string(maxSeqLen),
                   "training.early_stopping_patience=0", "data.sample_ratio=1", "data.max_files=0"};
    fs::remove_all(runDir);
    std::size_t sequences = 0;
    double tokens = 0;
    TrainingCallbacks cb;
    cb.onSetup = [&](const TrainingSetup& setup) { sequences = setup.trainSequences; };
    cb.onMetricsRow = [&](const MetricsRow& row) {
        if (row.kind == MetricsRow::Kind::Epoch) tokens = row.tokensPerSecond;
    };
    const RunConfig config = loadRunConfig(s);
    Figures f;
    f.estimatedEpochSeconds = estimateTraining(config).secondsPerEpoch;
    TrainingJob job({config, runDir, false}, cb);
    const auto summary = job.run();
    f.sequences = sequences;
    f.epochSeconds = summary.seconds / summary.epochsDone;
    f.sequencesPerSecond = double(sequences) / f.epochSeconds;
    f.tokensPerSecond = tokens;
    return f;
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
    std::vector<int> threadCounts{1, 2};
    int epochs = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--threads") {
            threadCounts.clear();
            for (char* p = argv[i + 1]; *p;) {
                threadCounts.push_back(int(std::strtol(p, &p, 10)));
                if (*p == ',') ++p;
            }
        } else if (flag == "--epochs") {
            epochs = std::atoi(argv[i + 1]);
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

    std::printf("model: hidden 256, 4 layers, 4 heads (test preset), %d epoch(s) per figure\n\n", epochs);
    std::printf("%-44s %7s %10s %11s %9s %9s %12s %9s\n", "case", "threads", "seq/s", "tokens/s", "epoch s",
                "estimate", "sessions/s", "peak MiB");
    for (int threads : threadCounts) {
        resetPeakRss();
        const Figures a = train(hdfs, work + "/a", threads, 32, 256, epochs);
        std::printf("%-44s %7d %10.1f %11.0f %9.1f %9.1f %12s %9.0f\n", "(a) train, HDFS sessions, batch 32", threads,
                    a.sequencesPerSecond, a.tokensPerSecond, a.epochSeconds, a.estimatedEpochSeconds, "", peakRssMiB());
        resetPeakRss();
        const Figures b = train(longYaml, work + "/b", threads, 8, 256, epochs);
        std::printf("%-44s %7d %10.1f %11.0f %9.1f %9.1f %12s %9.0f\n", "(b) train, batch 8 x 256 tokens", threads,
                    b.sequencesPerSecond, b.tokensPerSecond, b.epochSeconds, b.estimatedEpochSeconds, "", peakRssMiB());
        // Detection: every validation and test session of the HDFS split (22,838 + 486).
        resetPeakRss();
        const EvaluationResult r = evaluateRun(work + "/a", nullptr, {}, threads);
        std::printf("%-44s %7d %10s %11s %9.1f %9s %12.0f %9.0f\n", "detection, HDFS validation + test sessions", threads,
                    "", "", r.scoringSeconds, "", double(r.sessionsScored) / r.scoringSeconds, peakRssMiB());
        std::fflush(stdout);
    }
    std::printf("\npeak RSS of the whole bench %.0f MiB\n", double(peakRssBytes()) / 1048576.0);
    fs::remove_all(work);
    return 0;
}
