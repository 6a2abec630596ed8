// SPDX-License-Identifier: GPL-3.0-or-later
// Time to a good model: trains examples/hdfs-deeplog.yaml (the README's HDFS acceptance split)
// and, after every epoch, evaluates the validation-chosen detector (model.pt = the best epoch so
// far, thresholds from validation only) as `logbert evaluate --project-normals 553366` would.
// Prints per epoch the training time so far (evaluation excluded) and LogBERT's projected F1,
// then the epoch and the minutes at which the target was first reached.
//
// To keep the per-epoch evaluation short, it scores every validation session, all 6,000 test
// normals (the false-positive rate is what the projection multiplies) and every 8th anomalous test
// session; recall from that sample is applied to all 16,838 anomalies. The last epoch is also
// evaluated on the whole test split.
//
// Usage: time_to_target_bench [--seeds 1,2,3] [--threads 2] [--target 0.97] [--label NAME]
//                             [--set key=value]...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/detection/evaluation.h"
#include "engine/training/training_job.h"

using namespace logbert;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kFullTestNormals = 553366; // normal blocks of the whole HDFS test set
constexpr int kAnomalyStride = 8;

std::string datasetsDir() {
    const char* env = std::getenv("LOGBERT_DATASETS");
    std::string dir = env && *env ? env : LOGBERT_DATASETS_DEFAULT;
    return fs::exists(fs::path(dir) / "deeplog_hdfs" / "hdfs_train") ? dir : "";
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) items.push_back(item);
    return items;
}

/// The dataset with only every kAnomalyStride-th anomalous test session left in the test split.
std::shared_ptr<const Dataset> withSampledAnomalies(const Dataset& full, std::size_t& anomaliesInFull) {
    auto sampled = std::make_shared<Dataset>(full);
    std::size_t seen = 0;
    anomaliesInFull = 0;
    for (std::size_t i = 0; i < sampled->sessions.size(); ++i) {
        if (sampled->splits[i] != Split::Test || sampled->sessions[i].label != Label::Anomaly) continue;
        ++anomaliesInFull;
        if (seen++ % kAnomalyStride != 0) sampled->splits[i] = Split::Excluded;
    }
    return sampled;
}

/// Projected F1 of LogBERT with recall from the sampled anomalies applied to all of them.
double projectedF1(const EvaluationResult& r, std::size_t anomalies) {
    const Confusion& c = r.detector("logbert")->test;
    const double tp = c.recall() * double(anomalies), fn = double(anomalies) - tp;
    const double fp = c.fpr() * kFullTestNormals;
    return 2 * tp / (2 * tp + fp + fn);
}

struct SeedResult {
    int epochToTarget = 0;          ///< 0: not reached
    double minutesToTarget = 0;
    double trainingMinutes = 0;     ///< the whole run
    double evaluationSeconds = 0;   ///< all per-epoch evaluations but the last (whole split)
    double finalProjectedF1 = 0;    ///< last epoch, whole test split
    int epochs = 0;
};

SeedResult runSeed(const std::string& dataYaml, const std::vector<std::string>& sets, int seed, int threads,
                   double target, const std::string& runDir) {
    ConfigSources s;
    s.presetName = "test";
    s.dataFile = dataYaml;
    s.overrides = {"training.num_epochs=20", "training.batch_size=32", "training.threads=" + std::to_string(threads),
                   "training.seed=" + std::to_string(seed), "data.seed=" + std::to_string(seed)};
    for (const auto& o : sets) s.overrides.push_back(o);
    const RunConfig config = loadRunConfig(s);
    fs::remove_all(runDir);

    SeedResult result;
    result.epochs = config.training.numEpochs;
    double evaluationSeconds = 0;
    const auto start = Clock::now();
    std::shared_ptr<const Dataset> sampled;
    std::size_t anomalies = 0;
    TrainingJob* jobPtr = nullptr;
    TrainingCallbacks cb;
    cb.onEpoch = [&](const TrainingEpoch& e) {
        const auto evaluationStart = Clock::now();
        const double trainedMinutes =
            (std::chrono::duration<double>(evaluationStart - start).count() - evaluationSeconds) / 60.0;
        if (!sampled) sampled = withSampledAnomalies(*jobPtr->dataset(), anomalies);
        const bool last = e.epoch == e.epochs;
        const EvaluationResult r = evaluateRun(runDir, last ? jobPtr->dataset() : sampled, {}, threads);
        const double f1 = projectedF1(r, anomalies);
        if (last) result.finalProjectedF1 = f1;
        if (f1 >= target && result.epochToTarget == 0) {
            result.epochToTarget = e.epoch;
            result.minutesToTarget = trainedMinutes;
        }
        const Confusion& c = r.detector("logbert")->test;
        std::printf("  seed %d  epoch %2d/%d  trained %5.2f min  validation loss %.4f%s  recall %.4f  FPR %.5f  "
                    "projected F1 %.4f%s\n",
                    seed, e.epoch, e.epochs, trainedMinutes, e.validationLoss, e.improved ? " (best)" : "       ",
                    c.recall(), c.fpr(), f1, last ? " (whole test split)" : "");
        std::fflush(stdout);
        const double seconds = std::chrono::duration<double>(Clock::now() - evaluationStart).count();
        evaluationSeconds += seconds;
        if (!last) result.evaluationSeconds += seconds;
    };
    TrainingJob job({config, runDir, false}, cb);
    jobPtr = &job;
    job.run();
    result.trainingMinutes = (std::chrono::duration<double>(Clock::now() - start).count() - evaluationSeconds) / 60.0;
    return result;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<int> seeds{1, 2, 3};
    std::vector<std::string> sets;
    int threads = 2;
    double target = 0.97;
    std::string label = "examples/hdfs-deeplog.yaml";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--seeds") {
            seeds.clear();
            for (const auto& s : splitList(value)) seeds.push_back(std::atoi(s.c_str()));
        } else if (flag == "--threads") {
            threads = std::atoi(value.c_str());
        } else if (flag == "--target") {
            target = std::atof(value.c_str());
        } else if (flag == "--set") {
            sets.push_back(value);
        } else if (flag == "--label") {
            label = value;
        }
    }
    const std::string root = datasetsDir();
    if (root.empty()) {
        std::printf("SKIP: ../shared/datasets/deeplog_hdfs not found (set LOGBERT_DATASETS)\n");
        return 0;
    }
    setenv("LOGBERT_DATASETS", root.c_str(), 1);
    const std::string dataYaml = std::string(LOGBERT_SOURCE_DIR) + "/examples/hdfs-deeplog.data.yaml";
    const std::string work = (fs::temp_directory_path() / "logbert-time-to-target").string();
    std::string setText;
    for (const auto& s : sets) setText += " --set " + s;
    std::printf("%s%s: test preset (batch 32 and 20 epochs unless set), %d threads; target projected F1 >= %.2f\n",
                label.c_str(), setText.c_str(), threads, target);
    std::vector<SeedResult> results;
    for (int seed : seeds) results.push_back(runSeed(dataYaml, sets, seed, threads, target, work + "/seed" + std::to_string(seed)));
    std::printf("\n%-6s %7s %16s %18s %15s %15s %16s\n", "seed", "epochs", "epoch to target", "minutes to target",
                "whole run min", "final proj. F1", "eval s / epoch");
    for (std::size_t i = 0; i < results.size(); ++i) {
        const SeedResult& r = results[i];
        const std::string epoch = r.epochToTarget ? std::to_string(r.epochToTarget) : "not reached";
        char minutes[32] = "-";
        if (r.epochToTarget) std::snprintf(minutes, sizeof minutes, "%.2f", r.minutesToTarget);
        std::printf("%-6d %7d %16s %18s %15.2f %15.4f %16.1f\n", seeds[i], r.epochs, epoch.c_str(), minutes,
                    r.trainingMinutes, r.finalProjectedF1, r.evaluationSeconds / std::max(1, r.epochs - 1));
    }
    fs::remove_all(work);
    return 0;
}
