// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/config/run_config.h"
#include "engine/core/job.h"
#include "engine/data/dataset.h"
#include "engine/training/distributed_env.h"
#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"

namespace logbert {

/// Reported once the data is read and the model is built, before the first step.
struct TrainingSetup {
    std::string device;
    std::string precision;             ///< fp32 | bf16 | fp16 (training.precision resolved)
    int threads = 0;
    std::string threadsReason;         ///< why that many (engine/runtime/thread_policy.h)
    std::int64_t parameters = 0;
    std::size_t vocabularySize = 0;
    std::size_t trainSequences = 0, validationSequences = 0;
    std::size_t distinctTrainSequences = 0; ///< rows per epoch when training.duplicates merges them; 0 under keep
    std::size_t longSessionsSplit = 0; ///< sessions longer than max_seq_len - 1, trained as pieces
    std::int64_t stepsPerEpoch = 0, totalSteps = 0;
    std::int64_t startStep = 0;        ///< > 0 when resuming
    std::string initFrom;              ///< transfer-learning summary, "" when training from scratch
};

/// Where one optimizer step's time went, in seconds.
struct StepPhases {
    double batching = 0;  ///< masking, tensors, learning rate
    double forward = 0;   ///< the encoder, and the centre sum
    double loss = 0;      ///< MLKP head and cross-entropy, VHM distance
    double backward = 0;  ///< gradients and clipping
    double optimizer = 0; ///< AdamW, and reading the loss values
    double total() const { return batching + forward + loss + backward + optimizer; }
};

/// Reported after every optimizer step. Loss figures are this step's; rates are smoothed.
struct TrainingStep {
    int epoch = 0, epochs = 0;         ///< 1-based epoch
    std::int64_t step = 0, totalSteps = 0;
    std::int64_t stepInEpoch = 0, stepsPerEpoch = 0;
    double loss = 0, mlkp = 0, vhm = 0;
    double learningRate = 0;
    double sequencesPerSecond = 0, tokensPerSecond = 0;
    double elapsedSeconds = 0, etaSeconds = 0;
    StepPhases phases;                 ///< this step's
    double flops = 0;                  ///< this step's model FLOPs (engine/model/model_flops.h)
};

/// Reported at the end of every epoch.
struct TrainingEpoch {
    int epoch = 0, epochs = 0;
    std::int64_t step = 0;
    double trainLoss = 0, trainMlkp = 0, trainVhm = 0;
    double validationLoss = 0, validationMlkp = 0, validationVhm = 0; ///< NaN without validation data
    double elapsedSeconds = 0, etaSeconds = 0;
    bool improved = false;             ///< best validation loss so far (model.pt was updated)
};

struct TrainingCallbacks {
    std::function<void(const TrainingSetup&)> onSetup;
    std::function<void(const TrainingStep&)> onStep;
    std::function<void(const TrainingEpoch&)> onEpoch;
    std::function<void(const MetricsRow&)> onMetricsRow; ///< every row written to metrics.csv
    std::function<void(const std::string&)> onMessage;   ///< one-line notes (checkpoint saved, ...)
    /// `training.threads: auto` changed the count because the machine's load changed.
    std::function<void(int threads, const std::string& reason)> onThreadsChanged;
    /// Each sample of resources.csv as it is taken (every second). Called on the sampler's own
    /// thread, not the training thread.
    std::function<void(const ResourceRow&)> onResources;
};

struct TrainingParams {
    RunConfig config;
    std::string runDir;
    bool resume = false; ///< continue the run in runDir from its checkpoint (config from the folder)
    /// This process's place in a data-parallel job (readDistributedEnv()); one process by default.
    /// Every rank reads the same data and trains its share of each step's batch; rank 0 alone
    /// writes the run folder. A resumed run reads its checkpoint on every rank.
    DistributedEnv distributed;
};

struct TrainingSummary {
    bool cancelled = false;     ///< stopped by the cancel flag; a checkpoint holds the progress
    bool stoppedEarly = false;
    int epochsDone = 0;
    std::int64_t steps = 0;
    int bestEpoch = 0;
    double bestValidationLoss = 0;
    double seconds = 0;
};

/// "Will this fit my laptop, and how long will it take?" before the user waits: the model's
/// size, the memory the run will need, and real training steps and validation batches timed on
/// the run's own data (the data read, model, batches and optimizer exactly as training does).
struct TrainingEstimate {
    std::int64_t parameters = 0;
    std::size_t vocabularySize = 0, trainSequences = 0, validationSequences = 0;
    std::int64_t stepsPerEpoch = 0;
    int epochs = 0;
    double readSeconds = 0;             ///< reading the data (the run reads it again)
    double trainSecondsPerEpoch = 0;    ///< the optimizer steps of one epoch
    double validationSecondsPerEpoch = 0;
    double secondsPerEpoch() const { return trainSecondsPerEpoch + validationSecondsPerEpoch; }
    /// Reading the data and every epoch (evaluation afterwards not included).
    double totalSeconds() const { return readSeconds + epochs * secondsPerEpoch(); }
    double modelMegabytes = 0;          ///< weights, gradients and AdamW's two moments (float32)
    /// The model state plus the activations of one batch of the longest training sequences
    /// (engine/model/model_memory.h), the figure the memory check compares with the machine's.
    /// A run's process adds 100-200 MiB of runtime and checkpoint buffers on top (measured by
    /// bench/estimate_bench for the test and mid presets).
    double trainingMegabytes = 0;
    int timedSteps = 0;
    int threads = 0;
    std::string threadsReason;
    std::string device;
};
/// Reads the data, builds the model and times up to 8 of epoch 1's steps (after one warm-up)
/// and a few validation batches: a step costs a fixed part (batching, AdamW) and a part per
/// token (forward, loss, backward), each scaled to the whole epoch. InputError, Cancelled.
TrainingEstimate estimateTraining(const RunConfig& config, const JobControl& control = {});

/// Trains LogBERT on the normal sessions of a run's training split and writes the run folder
/// (config.yaml, vocabulary, parser state, metrics.csv, checkpoint.pt, model.pt, run.json).
/// Run it on a worker thread: it blocks until done, checks the cancel flag every step (and
/// checkpoints before returning), waits while paused, and reports through the callbacks from
/// the thread that runs it. Bad configs and data are InputErrors thrown before any training.
class TrainingJob {
public:
    TrainingJob(TrainingParams params, TrainingCallbacks callbacks = {});
    ~TrainingJob();
    TrainingJob(const TrainingJob&) = delete;
    TrainingJob& operator=(const TrainingJob&) = delete;

    TrainingSummary run(const JobControl& control = {});

    /// The dataset it trained on (valid after run() read it), so evaluation can reuse it.
    std::shared_ptr<const Dataset> dataset() const;

private:
    friend TrainingEstimate estimateTraining(const RunConfig&, const JobControl&);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Checks what can be checked without reading data (device, threads, init_from); InputError.
void validateTrainingConfig(const RunConfig& config);

} // namespace logbert
