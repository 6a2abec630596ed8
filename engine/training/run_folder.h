// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "engine/config/run_config.h"

namespace logbert {

/// The files of a run folder. Every one is written atomically (temporary file, then rename).
namespace run_files {
inline constexpr const char* kConfig = "config.yaml";        ///< the fully resolved config
inline constexpr const char* kRunInfo = "run.json";          ///< status, device, cost figures
inline constexpr const char* kMetrics = "metrics.csv";       ///< one row per logged step and epoch
inline constexpr const char* kResources = "resources.csv";   ///< the training process's CPU, memory, threads, GPU memory
inline constexpr const char* kVocabulary = "vocabulary.txt"; ///< token <-> key
inline constexpr const char* kParser = "parser.drain";       ///< Drain state (raw-log inputs)
inline constexpr const char* kTemplates = "templates.csv";   ///< key, count, template
inline constexpr const char* kCheckpoint = "checkpoint.pt";  ///< model, optimizer, step, RNG, centre
inline constexpr const char* kModel = "model.pt";            ///< best weights and centre, for detection
inline constexpr const char* kResults = "results.json";      ///< metrics, thresholds, sweeps
inline constexpr const char* kScores = "scores.csv";         ///< one row per scored session
inline constexpr const char* kEvaluationCache = "evaluation.bin"; ///< the whole evaluation, to reopen it at once
inline constexpr const char* kName = "name.txt";             ///< the name a user gave the run (run_name.h)
} // namespace run_files

std::string runFilePath(const std::string& runDir, const char* name);

/// Makes sure `runDir` can hold a new run: creates it, or accepts an existing empty folder (one
/// holding only the lock of its writer, run_lock.h).
/// An InputError names a non-empty folder (and suggests --resume when it holds a run).
void prepareNewRunFolder(const std::string& runDir);

/// Loads a run's config.yaml (InputError when the folder is not a run).
RunConfig loadRunFolderConfig(const std::string& runDir);

/// run.json: what a run is doing or did, for the CLI, the GUI's history and run comparison.
struct RunInfo {
    std::string status = "new"; ///< new | training | cancelled | trained | failed
    std::string device;
    std::string precision;     ///< fp32 | bf16 | fp16 ("" in runs of earlier versions: fp32)
    int threads = 0;
    std::string threadsReason; ///< why that many: a setting, or what auto measured
    /// Data-parallel training: ranks of the last session (1: one process), their backend, and the
    /// step seconds rank 0 spent in collectives (gradient all-reduce and the small per-step one).
    int worldSize = 1;
    std::string backend;
    double communicationSeconds = 0;
    std::int64_t parameters = 0;
    std::uint64_t vocabularySize = 0;
    std::uint64_t trainSequences = 0, validationSequences = 0;
    std::uint64_t distinctTrainSequences = 0; ///< rows per epoch when training.duplicates merges them; 0 under keep
    int epochsDone = 0;
    int numEpochs = 0;
    std::int64_t steps = 0;
    std::int64_t totalSteps = 0;
    double trainingSeconds = 0;   ///< wall time of training (pauses excluded; resumes add up)
    /// Whole-run throughput of the optimizer steps: trained sequences (tokens) over step seconds,
    /// all sessions of the run together. The same figure whichever process ran the training.
    double sequencesPerSecond = 0, tokensPerSecond = 0;
    double trainedSequences = 0, trainedTokens = 0, stepSeconds = 0;
    int bestEpoch = 0;
    double bestValidationLoss = 0;
    bool stoppedEarly = false;
    /// Resident memory sampled by the training itself (resources.csv): the highest, the process's
    /// when training started, and the difference — what the training added, which does not depend
    /// on whether the process is the CLI or the workbench.
    double peakRssMegabytes = 0, startRssMegabytes = 0, trainingRssMegabytes = 0;
    /// Model FLOPs per second of the training steps (engine/model/model_flops.h), and the
    /// matrix-product speed at the same thread count: their ratio is the FLOP utilisation.
    double modelGflopsPerSecond = 0, matmulGflops = 0;
    std::string initFrom;
    std::string started, updated; ///< ISO 8601 UTC
    std::string error;

    void save(const std::string& runDir) const;
    static RunInfo load(const std::string& runDir);
};

/// Now as ISO 8601 UTC ("2026-11-27T21:05:00Z").
std::string isoTimeNow();

} // namespace logbert
