// SPDX-License-Identifier: GPL-3.0-or-later
// How good the Run page's "Estimate" is: for each data set and preset, estimateTraining() (what
// the button shows) in one child process, then the run itself in another (so that neither
// inherits the other's memory), and the error of each figure:
//   per epoch   estimate's training + validation time vs the run's mean epoch (wall clock,
//               from the start of training to the end of each epoch's validation)
//   total       estimate's reading + epochs x per epoch vs the run's whole job (data read,
//               setup and every epoch; evaluation afterwards is not part of either)
//   memory      estimate's training memory vs the run's own (run.json training_rss_mb: its
//               sampled peak RSS minus its RSS at the start)
// The data sets are the built-in demo (as `logbert demo-data` writes it) and the published HDFS
// split (examples/hdfs-deeplog.data.yaml, from LOGBERT_DATASETS), each with the preset's model
// and batch and training.num_epochs set to --epochs. The README's estimate table comes from here.
//
// Usage: estimate_bench [--presets test,mid] [--data demo,hdfs] [--epochs 2] [--threads 0]
//                       [--set key=value]...
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"

using namespace logbert;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

/// Runs `f` in a child process and returns the numbers it wrote (empty when it failed), so that
/// each measurement starts from a fresh process: no memory or thread pools carried over.
std::vector<double> inChild(const std::function<std::vector<double>()>& f) {
    int fds[2];
    if (pipe(fds) != 0) return {};
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        std::string text;
        try {
            for (double v : f()) text += std::to_string(v) + " ";
        } catch (const std::exception& e) {
            std::fprintf(stderr, "  failed: %s\n", e.what());
            _exit(1);
        }
        if (write(fds[1], text.data(), text.size()) < 0) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, std::size_t(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
    std::vector<double> values;
    std::stringstream in(text);
    for (double v; in >> v;) values.push_back(v);
    return values;
}

double errorPercent(double estimate, double measured) { return measured > 0 ? 100.0 * (estimate - measured) / measured : NAN; }

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> presets{"test", "mid"}, data{"demo", "hdfs"}, extra;
    int epochs = 2, threads = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--presets") presets = split(v);
        else if (a == "--data") data = split(v);
        else if (a == "--epochs") epochs = std::max(1, std::atoi(v.c_str()));
        else if (a == "--threads") threads = std::atoi(v.c_str());
        else if (a == "--set") extra.push_back(v);
        else {
            std::fprintf(stderr, "usage: estimate_bench [--presets test,mid] [--data demo,hdfs] [--epochs N] "
                                 "[--threads T] [--set key=value]...\n");
            return 2;
        }
    }
    const fs::path dir = fs::temp_directory_path() /
                         ("logbert-estimate-bench-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir);
    const DemoSummary demo = writeDemoDataset((dir / "demo").string(), DemoOptions{});
    const char* datasets = std::getenv("LOGBERT_DATASETS");
    const std::string hdfs = std::string(LOGBERT_SOURCE_DIR) + "/examples/hdfs-deeplog.data.yaml";

    std::printf("%-5s %-5s %6s %6s | %9s %9s %6s | %9s %9s %6s | %8s %8s %6s\n", "data", "preset", "params", "steps",
                "epoch est", "measured", "err %", "total est", "measured", "err %", "MiB est", "measured", "err %");
    int row = 0;
    for (const auto& dataName : data) {
        if (dataName == "hdfs" && !(datasets && fs::exists(fs::path(datasets) / "deeplog_hdfs"))) {
            std::printf("%-5s SKIP: set LOGBERT_DATASETS to the folder with deeplog_hdfs/\n", "hdfs");
            continue;
        }
        for (const auto& preset : presets) {
            ConfigSources sources;
            sources.presetName = preset;
            if (dataName == "demo") sources.runFile = demo.configPath; // as the GUI uses it: a run file
            else sources.dataFile = hdfs;
            sources.overrides = extra;
            sources.overrides.push_back("training.num_epochs=" + std::to_string(epochs));
            if (threads > 0) sources.overrides.push_back("training.threads=" + std::to_string(threads));
            const RunConfig config = loadRunConfig(sources);
            const std::vector<double> est = inChild([&] {
                const TrainingEstimate e = estimateTraining(config);
                return std::vector<double>{double(e.parameters), double(e.stepsPerEpoch), e.secondsPerEpoch(),
                                           e.totalSeconds(), e.trainingMegabytes};
            });
            const std::string runDir = (dir / ("run-" + std::to_string(row++))).string();
            const std::vector<double> run = inChild([&] {
                std::vector<double> epochEnds;
                TrainingCallbacks callbacks;
                callbacks.onEpoch = [&](const TrainingEpoch& e) { epochEnds.push_back(e.elapsedSeconds); };
                const auto started = std::chrono::steady_clock::now();
                TrainingJob job({config, runDir, false}, callbacks);
                job.run();
                const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                const RunInfo info = RunInfo::load(runDir);
                const double perEpoch = epochEnds.empty() ? NAN : epochEnds.back() / double(epochEnds.size());
                return std::vector<double>{perEpoch, total, info.trainingRssMegabytes};
            });
            if (est.size() != 5 || run.size() != 3) {
                std::printf("%-5s %-5s failed\n", dataName.c_str(), preset.c_str());
                continue;
            }
            std::printf("%-5s %-5s %5.1fM %6.0f | %8.1fs %8.1fs %+6.1f | %8.1fs %8.1fs %+6.1f | %8.0f %8.0f %+6.1f\n",
                        dataName.c_str(), preset.c_str(), est[0] / 1e6, est[1], est[2], run[0], errorPercent(est[2], run[0]),
                        est[3], run[1], errorPercent(est[3], run[1]), est[4], run[2], errorPercent(est[4], run[2]));
            std::fflush(stdout);
        }
    }
    std::printf("(%d epochs a run; estimate and run each in a fresh process, one after the other)\n", epochs);
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
