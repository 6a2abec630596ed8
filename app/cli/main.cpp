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
#include "engine/platform/blas_check.h"

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int) {
    if (g_cancel.exchange(true)) std::_Exit(130); // second Ctrl-C: stop now
}

const char* kUsage =
    "usage: logbert COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  parse [--format NAME|\"<FORMAT>\"] [--depth N] [--st X] [--max-children N]\n"
    "        [--mask REGEX]... --out DIR FILE...   parse raw logs with Drain into DIR/templates.csv\n"
    "                                              and DIR/structured.csv\n"
    "  dataset RUN.yaml | --preset NAME [--data DATA.yaml] [--set key=value]...\n"
    "                                              build the dataset and print its splits\n"
    "  train RUN.yaml | --preset NAME [--data DATA.yaml] [--set key=value]... --out RUN_DIR\n"
    "        [--no-evaluate] [--quiet]              train LogBERT into a run folder, then evaluate it\n"
    "  train --resume RUN_DIR                      continue a run from its last checkpoint\n"
    "  evaluate RUN_DIR [--data DATA.yaml] [--json] [--project-normals N]\n"
    "                                              metrics of LogBERT and the baselines on the test split\n"
    "  detect RUN_DIR FILE... [--out FLAGGED.csv]  score new logs with a trained run; list flagged sessions\n"
    "                                              with their raw line numbers\n"
    "  demo-data DIR [--sessions N] [--seed S]     write the built-in HDFS-like demo dataset\n"
    "  info                                        LibTorch, devices, BLAS and threads\n";

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());

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
        std::cerr << "logbert: unknown command '" << command << "'\n" << kUsage;
        return 2;
    } catch (const logbert::InputError& e) {
        std::cerr << "logbert " << command << ": " << e.what() << "\n";
        return 2;
    } catch (const logbert::Cancelled&) {
        std::cerr << "logbert " << command << ": interrupted\n";
        return 130;
    } catch (const std::bad_alloc&) {
        std::cerr << "logbert " << command << ": out of memory\n";
        return 1;
    } catch (const std::exception& e) {
        // One line: LibTorch's errors carry a backtrace after the first line.
        const std::string what = e.what();
        std::cerr << "logbert " << command << ": " << what.substr(0, what.find('\n')) << "\n";
        return 1;
    }
}
