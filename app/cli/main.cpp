// SPDX-License-Identifier: GPL-3.0-or-later
// `logbert`: the command-line face of the engine. Exit codes: 0 ok, 1 internal error,
// 2 bad input (one line naming file, line and what was expected), 130 interrupted.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "engine/core/errors.h"
#include "engine/core/failure_message.h"
#include "engine/io/exit_cleanup.h"
#include "engine/platform/blas_check.h"

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int) {
    if (g_cancel.exchange(true)) { // second Ctrl-C: stop now, removing what was half written
        logbert::ExitCleanup::removeRegisteredPaths();
        std::_Exit(130);
    }
}

/// One command's usage lines and what it does; `logbert CMD --help` prints its entry.
struct CommandHelp {
    const char* name;
    const char* usage; ///< lines after "usage: logbert "
    const char* summary;
};
const CommandHelp kCommands[] = {
    {"parse", "parse [--format NAME|\"<FORMAT>\"] [--depth N] [--st X] [--max-children N]\n"
              "        [--mask REGEX]... --out DIR [--force] FILE...",
     "parse raw logs with Drain into DIR/templates.csv and DIR/structured.csv"},
    {"dataset", "dataset RUN.yaml | --preset NAME [--data DATA.yaml] [--set key=value]...",
     "build the dataset and print its splits"},
    {"train", "train RUN.yaml | --preset NAME [--data DATA.yaml] [--set key=value]... --out RUN_DIR\n"
              "        [--no-evaluate] [--quiet] [--nproc N]\n"
              "   or: logbert train --resume RUN_DIR [--nproc N]",
     "train LogBERT into a run folder, then evaluate it; --resume continues from the last checkpoint;\n"
     "   --nproc N trains with N local processes (data-parallel, Gloo); under torchrun or srun each process\n"
     "   is one rank (RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT or SLURM_PROCID/SLURM_NTASKS)"},
    {"evaluate", "evaluate RUN_DIR [--data DATA.yaml] [--json] [--project-normals N]\n"
                 "        [--miss-ratio R] [--top-g G] [--end-g E] [--distance D]",
     "metrics of LogBERT and the baselines on the test split; given thresholds replace the validation choice\n"
     "   in what is printed (the run folder keeps the validation choice)"},
    {"detect", "detect RUN_DIR FILE... [--out FLAGGED.csv [--force]]",
     "score new logs with a trained run; list flagged sessions with their raw line numbers"},
    {"demo-data", "demo-data DIR [--sessions N] [--seed S] [--force]", "write the built-in HDFS-like demo dataset"},
    {"info", "info", "LibTorch, devices, BLAS and threads"},
};

const CommandHelp* findCommand(const std::string& name) {
    for (const auto& c : kCommands)
        if (name == c.name) return &c;
    return nullptr;
}

std::string usage() {
    std::string text = "usage: logbert COMMAND [ARGS]   (logbert COMMAND --help, logbert --version)\n\ncommands:\n";
    for (const auto& c : kCommands) text += "  " + std::string(c.usage) + "\n        " + c.summary + "\n";
    return text;
}

bool asksForHelp(const std::vector<std::string>& args) {
    for (const auto& a : args)
        if (a == "--help" || a == "-h") return true;
    return false;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::fputs(usage().c_str(), args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version" || args[0] == "version") {
        std::printf("logbert %s (LogBERT Workbench)\n", LOGBERT_VERSION);
        return 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    if (const CommandHelp* help = findCommand(command); help && asksForHelp(args)) {
        std::printf("usage: logbert %s\n\n%s\n", help->usage, help->summary);
        return 0;
    }

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    logbert::JobControl job;
    job.cancel = &g_cancel;

    try {
        if (command != "info" && command != "demo-data") {
            std::string warning = logbert::blasWarning();
            if (!warning.empty()) std::cerr << warning << "\n";
        }
        if (command == "parse") return logbert::cli::parseCommand(args, job);
        if (command == "dataset") return logbert::cli::datasetCommand(args, job);
        if (command == "train") return logbert::cli::trainCommand(args, job);
        if (command == "detect") return logbert::cli::detectCommand(args, job);
        if (command == "evaluate") return logbert::cli::evaluateCommand(args, job);
        if (command == "demo-data") return logbert::cli::demoCommand(args, job);
        if (command == "info") return logbert::cli::infoCommand(args);
        std::cerr << "logbert: unknown command '" << command << "'\n" << usage();
        return 2;
    } catch (const logbert::InputError& e) {
        std::cerr << "logbert " << command << ": " << e.what() << "\n";
        return 2;
    } catch (const logbert::Cancelled&) {
        std::cerr << "logbert " << command << ": interrupted\n";
        return 130;
    } catch (const std::exception& e) {
        // One line: LibTorch's errors carry a backtrace after the first line. Running out of
        // memory, or an operator the device lacks, is what the config asked for (exit 2), not a crash.
        std::cerr << "logbert " << command << ": " << logbert::failureMessage(e) << "\n";
        return logbert::isOutOfMemory(e) || !logbert::missingDeviceOperator(e).empty() ? 2 : 1;
    }
}
