// SPDX-License-Identifier: GPL-3.0-or-later
// What the built-in demo shows: writes the demo dataset (as `logbert demo-data` does), trains it
// with its own demo.yaml (the test preset), evaluates it as `logbert evaluate` would, and prints
// the metric table, the verdict, and for each anomaly kind (anomaly_kinds.csv) how many of its
// test sessions each detector finds. The README's demo tables come from here.
//
// Usage: demo_bench [--seed 7] [--sessions 4000] [--threads 0] [--set key=value]...
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/detection/evaluation.h"
#include "engine/training/training_job.h"

using namespace logbert;
namespace fs = std::filesystem;

namespace {

struct KindRow {
    bool knownKeysOnly = false;
    int sessions = 0, logbert = 0, unseenKey = 0, unseenSet = 0, nextKey = 0;
};

/// block id -> (kind, known keys only) from anomaly_kinds.csv.
std::map<std::string, std::pair<std::string, bool>> readKinds(const std::string& path) {
    std::map<std::string, std::pair<std::string, bool>> kinds;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        const auto a = line.find(','), b = line.rfind(',');
        kinds[line.substr(0, a)] = {line.substr(a + 1, b - a - 1), line.substr(b + 1) == "yes"};
    }
    return kinds;
}

} // namespace

int main(int argc, char** argv) {
    DemoOptions demo;
    int threads = 0;
    std::vector<std::string> overrides;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--seed") demo.seed = std::stoull(v);
        else if (a == "--sessions") demo.sessions = std::stoul(v);
        else if (a == "--threads") threads = std::stoi(v);
        else if (a == "--set") overrides.push_back(v);
        else {
            std::fprintf(stderr, "usage: demo_bench [--seed S] [--sessions N] [--threads T] [--set key=value]...\n");
            return 2;
        }
    }
    const fs::path dir = fs::temp_directory_path() / ("logbert-demo-bench-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    const DemoSummary data = writeDemoDataset((dir / "demo").string(), demo);
    ConfigSources sources;
    sources.runFile = data.configPath;
    sources.overrides = overrides;
    if (threads > 0) sources.overrides.push_back("training.threads=" + std::to_string(threads));
    const RunConfig config = loadRunConfig(sources);
    const std::string runDir = (dir / "run").string();

    const auto started = std::chrono::steady_clock::now();
    TrainingJob job({config, runDir, false});
    const TrainingSummary trained = job.run();
    const double trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const EvaluationResult r = evaluateRun(runDir, job.dataset());

    std::printf("demo: seed %llu, %zu blocks, %zu anomalous (%zu with a new key, %zu with known keys only)\n",
                (unsigned long long)demo.seed, data.sessions, data.anomalies, data.anomalies - data.knownKeyAnomalies,
                data.knownKeyAnomalies);
    std::printf("trained %d epochs (%lld steps) in %.1f s with demo.yaml (preset %s)\n\n", trained.epochsDone,
                (long long)trained.steps, trainSeconds, config.preset.c_str());
    std::printf("%s\n", evaluationTable(r).c_str());

    const auto kinds = readKinds(data.kindPath);
    std::map<std::string, KindRow> rows;
    for (const auto& s : r.sessions) {
        if (s.split != Split::Test || s.label != Label::Anomaly) continue;
        const auto it = kinds.find(job.dataset()->sessions[s.index].id);
        if (it == kinds.end()) continue;
        KindRow& row = rows[it->second.first];
        row.knownKeysOnly = it->second.second;
        ++row.sessions;
        row.logbert += s.flagged;
        row.unseenKey += s.unseenKey;
        row.unseenSet += s.unseenKeySet;
        row.nextKey += s.nextKeyMisses > 0;
    }
    std::printf("found per anomaly kind (test sessions):\n%-20s %-10s %5s %8s %11s %15s %9s\n", "kind", "keys", "n",
                "LogBERT", "unseen key", "unseen key set", "next key");
    for (bool known : {false, true})
        for (const auto& [kind, row] : rows)
            if (row.knownKeysOnly == known)
                std::printf("%-20s %-10s %5d %8d %11d %15d %9d\n", kind.c_str(), known ? "known" : "new key", row.sessions,
                            row.logbert, row.unseenKey, row.unseenSet, row.nextKey);
    std::error_code ec;
    fs::remove_all(dir, ec);
    return 0;
}
