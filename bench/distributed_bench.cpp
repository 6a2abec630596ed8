// SPDX-License-Identifier: GPL-3.0-or-later
// Data-parallel training against one process: `logbert train` (the CLI, as a user runs it) for one
// epoch of the test preset on the HDFS training sessions (deeplog_hdfs, 4,855 sessions), as
//   1 process x 1 thread, 1 process x 2 threads, 2 ranks x 1 thread (`--nproc 2`, Gloo),
// each with a global batch of 32 sequences per step (2 ranks: 16 each), idle and with one
// spinning process beside it ("busy"). Prints sequences/s over the steps (run.json), the epoch's
// wall time, and the share of rank 0's step time spent in collectives (gradient all-reduce and the
// small per-step one). On a CUDA machine the same bench runs unchanged (`--device cuda`).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/training/run_folder.h"

namespace fs = std::filesystem;
using namespace logbert;

namespace {

struct Case {
    const char* label;
    int ranks, threads, batchPerRank;
};

pid_t startSpinner() {
    const pid_t pid = fork();
    if (pid == 0) {
        volatile unsigned long x = 0;
        for (;;) x = x + 1;
    }
    return pid;
}

} // namespace

int main(int argc, char** argv) {
    std::string device = "cpu";
    int epochs = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--device") device = argv[i + 1];
        if (flag == "--epochs") epochs = std::atoi(argv[i + 1]);
    }
    const char* datasets = std::getenv("LOGBERT_DATASETS");
    const std::string root = datasets ? datasets : LOGBERT_DATASETS_DEFAULT;
    if (!fs::exists(root + "/deeplog_hdfs/hdfs_train")) {
        std::printf("SKIP: deeplog_hdfs not found (set LOGBERT_DATASETS)\n");
        return 0;
    }
    setenv("LOGBERT_DATASETS", root.c_str(), 1);
    const std::string work = (fs::temp_directory_path() / "logbert-distributed-bench").string();
    const std::string data = std::string(LOGBERT_SOURCE_DIR) + "/examples/hdfs-deeplog.data.yaml";
    const std::vector<Case> cases{{"1 process x 1 thread", 1, 1, 32},
                                  {"1 process x 2 threads", 1, 2, 32},
                                  {"2 ranks x 1 thread (--nproc 2)", 2, 1, 16}};
    std::printf("test preset (hidden 256, 4 layers, 4 heads), HDFS training sessions, %d epoch(s), global batch 32, "
                "device %s\n\n", epochs, device.c_str());
    std::printf("%-32s %-5s %9s %10s %12s\n", "case", "load", "seq/s", "wall", "collectives");
    for (const char* load : {"idle", "busy"}) {
        for (const Case& c : cases) {
            const std::string out = work + "/run";
            fs::remove_all(out);
            std::string command = std::string("'") + LOGBERT_CLI_PATH + "' train --preset test --data '" + data + "' --out '" +
                                  out + "' --no-evaluate --quiet --set training.num_epochs=" + std::to_string(epochs) +
                                  " --set training.threads=" + std::to_string(c.threads) +
                                  " --set training.batch_size=" + std::to_string(c.batchPerRank) +
                                  " --set training.device=" + device +
                                  " --set training.early_stopping_patience=0 --set data.sample_ratio=1 --set data.max_files=0";
            if (c.ranks > 1) command += " --nproc " + std::to_string(c.ranks);
            command += " > '" + work + "/log.txt' 2>&1";
            fs::create_directories(work);
            const pid_t spinner = std::string(load) == "busy" ? startSpinner() : 0;
            const auto start = std::chrono::steady_clock::now();
            const int status = std::system(command.c_str());
            const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (spinner > 0) {
                kill(spinner, SIGKILL);
                waitpid(spinner, nullptr, 0);
            }
            if (status != 0) {
                std::printf("%-32s %-5s failed (see %s/log.txt)\n", c.label, load, work.c_str());
                return 1;
            }
            const RunInfo info = RunInfo::load(out);
            const double share = info.stepSeconds > 0 ? info.communicationSeconds / info.stepSeconds : 0;
            char collectives[32] = "-";
            if (c.ranks > 1) std::snprintf(collectives, sizeof collectives, "%.1f%%", 100 * share);
            std::printf("%-32s %-5s %9.1f %9.1fs %12s\n", c.label, load, info.sequencesPerSecond, wall, collectives);
            std::fflush(stdout);
        }
    }
    return 0;
}
