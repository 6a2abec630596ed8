// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdio>
#include <iostream>
#include <set>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/progress_line.h"
#include "app/cli/worker_launcher.h"
#include "engine/core/errors.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_job.h"

namespace logbert::cli {

namespace {
const std::set<std::string> kTrainFlags{"--preset", "--data", "--set", "--out", "--resume"};
const std::set<std::string> kTrainSwitches{"--no-evaluate", "--quiet"};
} // namespace

int trainCommand(const std::vector<std::string>& argv, const JobControl& job) {
    std::set<std::string> flags = kTrainFlags;
    flags.insert("--nproc");
    Arguments args(argv, flags, kTrainSwitches);
    TrainingParams params;
    params.distributed = readDistributedEnv();
    if (args.has("--nproc")) {
        const int count = int(args.integer("--nproc", 1, 1, 256));
        if (params.distributed.distributed())
            throw InputError("--nproc", 0, "this process is already " + params.distributed.describe() + " (" +
                                               params.distributed.launcher + " started it); drop --nproc");
        std::vector<std::string> rest;
        for (std::size_t i = 0; i < argv.size(); ++i) {
            if (argv[i] == "--nproc") ++i; // and its value
            else if (argv[i].rfind("--nproc=", 0) != 0) rest.push_back(argv[i]);
        }
        if (count > 1) {
            // Check the command before starting anyone: a bad config fails once, here.
            Arguments checked(rest, kTrainFlags, kTrainSwitches);
            if (checked.has("--resume")) loadRunFolderConfig(checked.value("--resume"));
            else validateTrainingConfig(loadRunConfig(configSources(checked, "train")));
            return launchLocalWorkers(count, rest);
        }
    }
    if (args.has("--resume")) {
        if (!args.positionals().empty() || args.has("--preset") || args.has("--data") || args.has("--set") || args.has("--out"))
            throw InputError("train", 0, "--resume RUN_DIR takes its config from the run folder; give no other config");
        params.runDir = args.value("--resume");
        params.config = loadRunFolderConfig(params.runDir);
        params.resume = true;
    } else {
        const ConfigSources sources = configSources(args, "train");
        if (!args.has("--out")) throw InputError("train", 0, "expected --out RUN_DIR (the run folder to create)");
        params.runDir = args.value("--out");
        params.config = loadRunConfig(sources);
    }
    validateTrainingConfig(params.config);

    // Rank 0 reports and evaluates; the other ranks train silently (their errors still print).
    const bool reporter = params.distributed.writesRunFolder();
    const bool quiet = args.has("--quiet") || !reporter;
    ProgressLine progress(quiet);
    TrainingCallbacks callbacks;
    callbacks.onSetup = [&](const TrainingSetup& s) {
        if (!reporter) return;
        if (params.distributed.distributed())
            std::fprintf(stderr, "%d ranks (%s), %d sequences per rank and step\n", params.distributed.worldSize,
                         params.distributed.launcher.c_str(), params.config.training.batchSize);
        const std::string mixed = s.precision.empty() || s.precision == "fp32" ? "" : " (" + s.precision + " autocast)";
        std::fprintf(stderr, "device %s%s, %d thread%s (%s), %lld parameters, vocabulary %zu, %zu training and %zu validation sequences, %lld steps per epoch\n",
                     s.device.c_str(), mixed.c_str(), s.threads, s.threads == 1 ? "" : "s", s.threadsReason.c_str(),
                     (long long)s.parameters, s.vocabularySize, s.trainSequences,
                     s.validationSequences, (long long)s.stepsPerEpoch);
        if (s.distinctTrainSequences)
            std::fprintf(stderr, "training on the %zu distinct sequences once per epoch, %s (training.duplicates: %s)\n",
                         s.distinctTrainSequences,
                         params.config.training.duplicates == "weighted" ? "each weighted by how often it occurs" : "all alike",
                         params.config.training.duplicates.c_str());
        if (s.longSessionsSplit)
            std::fprintf(stderr, "%zu sessions are longer than max_seq_len - 1 and are trained as consecutive pieces\n",
                         s.longSessionsSplit);
    };
    callbacks.onStep = [&](const TrainingStep& s) {
        char line[256];
        std::snprintf(line, sizeof line, "epoch %d/%d  step %lld/%lld  loss %.4f (mlkp %.4f, vhm %.4f)  lr %.2e  %.0f seq/s  ETA %s",
                      s.epoch, s.epochs, (long long)s.step, (long long)s.totalSteps, s.loss, s.mlkp, s.vhm,
                      s.learningRate, s.sequencesPerSecond, formatDuration(s.etaSeconds).c_str());
        progress.update(line);
    };
    callbacks.onEpoch = [&](const TrainingEpoch& e) {
        char line[256];
        std::snprintf(line, sizeof line, "epoch %d/%d  train loss %.4f  validation loss %.4f%s  elapsed %s",
                      e.epoch, e.epochs, e.trainLoss, e.validationLoss, e.improved ? " (best)" : "",
                      formatDuration(e.elapsedSeconds).c_str());
        progress.finish(line);
    };
    callbacks.onMessage = [&](const std::string& m) {
        if (reporter) progress.finish(m);
    };

    if (!reporter) callbacks = TrainingCallbacks{};
    TrainingJob training(params, callbacks);
    const TrainingSummary summary = training.run(job);
    if (!reporter) return summary.cancelled ? 130 : 0;
    if (summary.cancelled) {
        std::cerr << "interrupted; resume with: logbert train --resume " << params.runDir << "\n";
        return 130;
    }
    std::cerr << "trained " << summary.epochsDone << " epochs, " << summary.steps << " steps in "
              << formatDuration(summary.seconds) << "; best epoch " << summary.bestEpoch << "\n";
    if (args.has("--no-evaluate")) return 0;
    return runEvaluation(params.runDir, training.dataset(), job, false);
}

} // namespace logbert::cli
