// SPDX-License-Identifier: GPL-3.0-or-later
// Resident memory per epoch of a long training run: after the first epoch (allocator pools,
// LibTorch's caches and the dataset are in place) RSS must stay flat. Trains the test preset's
// model (hidden 256, 4 layers, 4 heads) on the built-in demo dataset, or on any run YAML.
// Usage: memory_bench [--epochs 20] [--sessions 4000] [--threads 2] [--config RUN.yaml]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/platform/process_memory.h"
#include "engine/training/training_job.h"

using namespace logbert;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
    int epochs = 20, threads = 2;
    std::size_t sessions = 4000;
    std::string configPath;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--epochs") epochs = std::atoi(argv[i + 1]);
        else if (flag == "--sessions") sessions = std::size_t(std::atoll(argv[i + 1]));
        else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else if (flag == "--config") configPath = argv[i + 1];
        else {
            std::fprintf(stderr, "memory_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    const fs::path work = fs::temp_directory_path() / ("logbert-memory-bench-" + std::to_string(::getpid()));
    fs::create_directories(work);
    try {
        ConfigSources sources;
        sources.presetName = "test";
        if (configPath.empty()) {
            sources.runFile = writeDemoDataset((work / "demo").string(), DemoOptions{7, sessions, 0.03}).configPath;
            sources.overrides.push_back("data.sample_ratio=1");
        } else {
            sources.runFile = configPath;
        }
        for (std::string o : {"training.num_epochs=" + std::to_string(epochs), "training.threads=" + std::to_string(threads),
                              std::string("training.early_stopping_patience=0"), std::string("training.batch_size=32")})
            sources.overrides.push_back(o);
        const RunConfig config = loadRunConfig(sources);

        std::printf("memory per epoch: %s, test-preset model, batch 32, %d threads\n",
                    configPath.empty() ? ("demo dataset, " + std::to_string(sessions) + " sessions").c_str() : configPath.c_str(),
                    threads);
        std::printf("%6s %10s %12s %12s %14s\n", "epoch", "seconds", "RSS MiB", "peak MiB", "vs epoch 1");
        double first = 0;
        double maxGrowth = 0;
        TrainingCallbacks callbacks;
        callbacks.onEpoch = [&](const TrainingEpoch& e) {
            const double rss = double(currentRssBytes()) / 1048576.0;
            if (e.epoch == 1) first = rss;
            if (e.epoch > 1) maxGrowth = std::max(maxGrowth, rss - first);
            std::printf("%6d %10.1f %12.1f %12.1f %+13.1f\n", e.epoch, e.elapsedSeconds, rss,
                        double(peakRssBytes()) / 1048576.0, rss - first);
            std::fflush(stdout);
        };
        TrainingJob job(TrainingParams{config, (work / "run").string(), false}, callbacks);
        job.run({});
        std::printf("largest RSS above epoch 1 in epochs 2-%d: %.1f MiB (%.1f%%)\n", epochs, maxGrowth,
                    first > 0 ? 100.0 * maxGrowth / first : 0.0);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "memory_bench: %s\n", e.what());
        fs::remove_all(work);
        return 1;
    }
    fs::remove_all(work);
    return 0;
}
