// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/training/training_job.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <optional>
#include <sstream>
#include <thread>

#include "engine/core/errors.h"
#include "engine/core/hashing.h"
#include "engine/io/append_file.h"
#include "engine/io/atomic_file.h"
#include "engine/io/csv.h"
#include "engine/io/state_file.h"
#include "engine/model/distinct_sequences.h"
#include "engine/model/logbert_model.h"
#include "engine/model/model_flops.h"
#include "engine/model/model_memory.h"
#include "engine/model/model_store.h"
#include "engine/platform/gpu_memory.h"
#include "engine/platform/process_memory.h"
#include "engine/runtime/precision.h"
#include "engine/runtime/thread_policy.h"
#include "engine/runtime/torch_runtime.h"
#include "engine/runtime/torch_warnings.h"
#include "engine/training/checkpoint.h"
#include "engine/training/mixed_precision.h"
#include "engine/training/rank_group.h"
#include "engine/training/run_lock.h"
#include "engine/training/run_folder.h"
#include "engine/training/training_losses.h"

namespace logbert {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

/// Seeds derived from the run seed, so that each use has its own independent stream.
constexpr std::uint64_t kBatchOrderSalt = 0xBA7C0DE5ull, kMaskSalt = 0x3A5C3A5Cull, kValidationSalt = 0x5A11Dull;

std::uint64_t derivedSeed(std::uint64_t seed, std::uint64_t salt, std::uint64_t index) {
    return mix64(mix64(seed ^ salt) + index);
}

/// The loss parts of one forward pass.
struct LossParts {
    torch::Tensor mlkp, vhm, dist; // dist: [B, D] hidden state of [DIST]
};

LossParts forwardLoss(LogBert& model, const BatchTensors& t, const torch::Tensor& centre) {
    auto hidden = model->forward(t.tokens, t.padding);
    LossParts parts;
    parts.dist = hidden.select(1, 0);
    parts.mlkp = t.targets.numel() > 0 ? maskedKeyLoss(model->maskedLogits(hidden, t.maskedIndex), t)
                                       : torch::zeros({}, hidden.options());
    parts.vhm = hypersphereLoss(parts.dist, centre, t);
    return parts;
}

/// The training sequences of `sessions`, merged into distinct ones when the config asks for it.
std::vector<TokenSequence> trainingSequences(const RunConfig& c, const Dataset& d, const std::vector<const Session*>& sessions) {
    auto sequences = tokenize(sessions, d.vocabulary, c.model.maxSeqLen - 1, usesEndToken(c));
    if (c.training.mergesDuplicates()) sequences = mergeIdenticalSequences(std::move(sequences));
    return sequences;
}

void checkBatchSize(const TrainingConfig& tc, const std::vector<TokenSequence>& sequences) {
    if (std::size_t(tc.batchSize) <= sequences.size()) return;
    throw InputError("training.batch_size", 0,
                     std::to_string(tc.batchSize) + " is larger than the " + std::to_string(sequences.size()) +
                         (tc.mergesDuplicates() ? " distinct" : "") +
                         " training sequences; lower training.batch_size or add data");
}

void writeTemplates(const std::string& path, const Dataset& d) {
    AtomicFile file(path);
    auto& out = file.stream();
    out << "key,count,template\n";
    for (const auto& t : d.templates) {
        out << t.key << ',' << t.count << ',';
        writeCsvField(out, t.text);
        out << '\n';
    }
    file.commit();
}

/// training.precision on the device this process trains on (engine/runtime/precision.h).
std::string choosePrecision(const TrainingConfig& tc, const std::string& device) {
    const bool cuda = device.rfind("cuda", 0) == 0;
    return resolvePrecision(tc.precision, device, cuda ? GpuMemoryProbe().minComputeCapabilityMajor() : 0);
}

} // namespace

/// What training `c` needs: the model state, and one batch of the longest training sequence
/// (with no sequences yet, the model state alone).
ModelMemory runTrainingMemory(const RunConfig& c, std::int64_t vocabulary, const std::vector<TokenSequence>& sequences) {
    std::size_t longest = 0;
    for (const auto& sq : sequences) longest = std::max(longest, sq.tokens.size());
    const std::int64_t tokens = sequences.empty() ? 0 : std::int64_t(longest) + 1; // + [DIST]
    return trainingMemory(c.model, vocabulary, c.training.batchSize, tokens);
}

/// The model's memory against what this process can have, before it is built: with no data
/// yet (so that an 86 G-parameter model is refused at once) the model state alone, later with
/// the vocabulary and a batch of the longest training sequence. CUDA keeps the model on the
/// GPU, whose memory this does not check.
void checkTrainingMemory(const RunConfig& c, const std::string& device, std::int64_t vocabulary,
                         const std::vector<TokenSequence>& sequences) {
    if (!c.training.memoryCheck || device.rfind("cuda", 0) == 0) return;
    const bool explicitModel = c.explicitKeys.count("model.hidden_size") || c.explicitKeys.count("model.num_hidden_layers");
    checkModelFitsMemory(runTrainingMemory(c, vocabulary, sequences), "training this model",
                         explicitModel ? "model.hidden_size" : "model");
}

void validateTrainingConfig(const RunConfig& config) {
    choosePrecision(config.training, resolveDevice(config.training.device));
    checkTrainingMemory(config, resolveDevice(config.training.device), 0, {});
    if (!config.training.initFrom.empty()) {
        std::error_code ec;
        if (!fs::exists(runFilePath(config.training.initFrom, run_files::kModel), ec))
            throw InputError("training.init_from", 0,
                             config.training.initFrom + " holds no model.pt (it must be a trained run folder)");
    }
}

struct TrainingJob::Impl {
    TrainingParams params;
    TrainingCallbacks callbacks;
    std::shared_ptr<Dataset> dataset;

    // Model and optimizer state.
    std::unique_ptr<LogBert> model;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    torch::Device device{torch::kCPU};
    std::string precision = "fp32"; // fp32 | bf16 | fp16: autocast of the forward pass and losses
    LossScaler scaler{false};       // fp16 only
    torch::Tensor centre;    // what VHM pulls towards: last epoch's mean h_DIST (running mean in epoch 1)
    torch::Tensor centreSum; // this epoch's sum of h_DIST (float64)
    double centreCount = 0;
    bool centreReady = false;

    // Progress state (saved in checkpoints).
    std::int64_t step = 0;
    int epoch = 0;           // 0-based epoch in progress
    std::int64_t batchInEpoch = 0;
    int bestEpoch = 0;
    double bestValidationLoss = std::numeric_limits<double>::infinity();
    int badEpochs = 0;
    bool stoppedEarly = false;
    double elapsedBefore = 0; // training seconds of earlier sessions (resume)
    // Loss sums of the epoch and of the metrics interval in progress (checkpointed, so that a
    // resumed run reports the same epoch and interval means as one that never stopped).
    double epochLoss = 0, epochMlkp = 0, epochVhm = 0;
    std::int64_t epochSteps = 0;
    double sumLoss = 0, sumMlkp = 0, sumVhm = 0;
    std::int64_t intervalSteps = 0;

    MetricsLog metrics;
    std::unique_ptr<AppendFile> metricsFile; ///< rank 0: metrics.csv, growing row by row for followers
    RunInfo info;

    // Data-parallel training: the other ranks (none in one process), and the global batches of
    // the epoch in progress, of which this rank trains rows rank, rank + world, ...
    std::unique_ptr<RankGroup> group;
    int rank = 0, worldSize = 1;
    std::vector<std::vector<std::uint32_t>> plan;
    std::vector<std::uint32_t> planRows; ///< the epoch's rows when a resume re-cut it (checkpointed)
    std::optional<TrainingProgress> savedLayout; ///< from the checkpoint, until the epoch is planned

    std::unique_ptr<RunFolderLock> folderLock; ///< held by rank 0 while run() writes the folder
    bool createdFolder = false;               ///< removed again when a new run fails to set up

    bool writesRunFolder() const { return rank == 0; }
    std::int64_t globalBatch() const { return std::int64_t(params.config.training.batchSize) * worldSize; }
    void saveInfo() const {
        if (writesRunFolder()) info.save(params.runDir);
    }

    std::string file(const char* name) const { return runFilePath(params.runDir, name); }
    void message(const std::string& m) const {
        if (callbacks.onMessage) callbacks.onMessage(m);
    }
    void logRow(const MetricsRow& row) {
        metrics.append(row);
        if (metricsFile) metricsFile->appendLine(MetricsCsv::format(row));
        if (callbacks.onMetricsRow) callbacks.onMetricsRow(row);
    }

    void saveCheckpoint(double elapsed) {
        if (!writesRunFolder()) return;
        TrainingProgress p;
        p.step = step;
        p.epoch = epoch;
        p.batchInEpoch = batchInEpoch;
        p.bestEpoch = bestEpoch;
        p.badEpochs = badEpochs;
        p.centreReady = centreReady;
        p.stoppedEarly = stoppedEarly;
        p.elapsedSeconds = elapsed;
        p.bestValidationLoss = bestValidationLoss;
        p.centreCount = centreCount;
        p.epochSums = {epochLoss, epochMlkp, epochVhm, double(epochSteps)};
        p.intervalSums = {sumLoss, sumMlkp, sumVhm, double(intervalSteps)};
        p.worldSize = worldSize;
        p.globalBatch = globalBatch();
        p.epochRows = planRows;
        if (scaler.enabled()) p.lossScale = scaler.scale(), p.lossScaleCleanSteps = scaler.cleanSteps();
        // The rows up to here on disk first: if we die before the checkpoint lands, the older
        // checkpoint plus newer rows is repaired on resume by dropping the rows past its step.
        if (metricsFile) metricsFile->sync();
        logbert::saveCheckpoint(file(run_files::kCheckpoint), *model, *optimizer, p, centre, centreSum);
        info.steps = step;
        info.epochsDone = epoch;
        info.trainingSeconds = elapsed;
        updateCostFigures();
        info.updated = isoTimeNow();
        info.save(params.runDir);
    }

    void loadCheckpoint() {
        TrainingProgress p;
        logbert::loadCheckpoint(file(run_files::kCheckpoint), *model, *optimizer, p, centre, centreSum);
        step = p.step;
        epoch = p.epoch;
        batchInEpoch = p.batchInEpoch;
        bestEpoch = p.bestEpoch;
        badEpochs = p.badEpochs;
        centreReady = p.centreReady;
        stoppedEarly = p.stoppedEarly;
        elapsedBefore = p.elapsedSeconds;
        bestValidationLoss = p.bestValidationLoss;
        centreCount = p.centreCount;
        epochLoss = p.epochSums[0], epochMlkp = p.epochSums[1], epochVhm = p.epochSums[2];
        epochSteps = std::int64_t(p.epochSums[3]);
        sumLoss = p.intervalSums[0], sumMlkp = p.intervalSums[1], sumVhm = p.intervalSums[2];
        intervalSteps = std::int64_t(p.intervalSums[3]);
        centre = centre.to(device);
        if (scaler.enabled() && p.lossScale > 0) scaler = LossScaler(true, p.lossScale, p.lossScaleCleanSteps);
        savedLayout = std::move(p);
    }

    /// Mean validation loss with fixed masks (the same every epoch), in eval mode.
    void validate(const std::vector<TokenSequence>& sequences, double& loss, double& mlkp, double& vhm) {
        if (sequences.empty()) {
            loss = mlkp = vhm = std::nan("");
            return;
        }
        torch::NoGradGuard noGrad;
        (*model)->eval();
        const auto& c = params.config;
        auto batches = lengthBatches(sequences, c.detection.batchSize, derivedSeed(c.training.seed, kValidationSalt, 0));
        double mlkpSum = 0, vhmSum = 0, masked = 0, rows = 0;
        std::uint64_t index = 0;
        for (const auto& rowsOfBatch : batches) {
            ++index;
            if (std::int64_t(index - 1) % worldSize != rank) continue; // another rank's batch
            auto batch = trainingBatch(sequences, rowsOfBatch, c.training.maskRatio, std::int32_t(dataset->vocabulary.size()),
                                       derivedSeed(c.training.seed, kValidationSalt, index));
            auto t = toTensors(batch, device);
            auto parts = forwardLoss(*model, t, centre);
            mlkpSum += parts.mlkp.item<double>() * double(batch.targets.size());
            vhmSum += parts.vhm.item<double>() * double(batch.rows);
            masked += double(batch.targets.size());
            rows += double(batch.rows);
        }
        (*model)->train();
        if (group) {
            std::vector<torch::Tensor> sums{torch::tensor({mlkpSum, vhmSum, masked, rows}, torch::kFloat64)};
            group->allReduceSum(sums, "the validation of epoch " + std::to_string(epoch + 1));
            auto a = sums[0].accessor<double, 1>();
            mlkpSum = a[0], vhmSum = a[1], masked = a[2], rows = a[3];
        }
        mlkp = masked > 0 ? mlkpSum / masked : 0;
        vhm = vhmSum / rows;
        loss = mlkp + c.training.vhmWeight * vhm;
    }

    struct StepOutcome {
        double loss = 0, mlkp = 0, vhm = 0;
        double flops = 0;       ///< model FLOPs of this rank's rows (model_flops.h)
        StepPhases phases;
        bool cancelled = false; ///< some rank was asked to stop: the step was not taken
    };

    /// The step's totals over every rank: the centre contribution, the rows and masked keys
    /// (weighted), and whether any rank was asked to stop. In one process, this rank's own.
    struct StepTotals {
        torch::Tensor centre; // [D] float64 on the CPU
        double rows = 0, masked = 0;
        bool cancelled = false;
    };
    StepTotals stepTotals(torch::Tensor centrePart, double rows, double masked, bool cancel) {
        StepTotals totals{centrePart, rows, masked, cancel};
        if (!group) return totals;
        const std::int64_t hidden = centrePart.numel();
        std::vector<torch::Tensor> all{torch::cat({centrePart, torch::tensor({rows, masked, cancel ? 1.0 : 0.0}, torch::kFloat64)})};
        group->allReduceSum(all, "step " + std::to_string(step + 1));
        totals.centre = all[0].slice(0, 0, hidden);
        auto a = all[0].accessor<double, 1>();
        totals.rows = a[hidden], totals.masked = a[hidden + 1], totals.cancelled = a[hidden + 2] > 0;
        return totals;
    }

    /// One optimizer step on this rank's `rows` of the step's global batch: masking, forward,
    /// MLKP + VHM loss, backward, (with other ranks) the gradient all-reduce, AdamW. Each rank's
    /// loss is its share of the means over the global batch, so that the summed gradients are
    /// those one process would compute on the whole batch. Accumulates the epoch's centre sum.
    /// Times each phase (CPU work is synchronous).
    StepOutcome trainStep(const std::vector<std::uint32_t>& rows, double lr, bool cancelRequested) {
        const TrainingConfig& tc = params.config.training;
        StepOutcome out;
        auto mark = Clock::now();
        auto lap = [&mark](double& phase) {
            const auto now = Clock::now();
            phase = std::chrono::duration<double>(now - mark).count();
            mark = now;
        };
        const bool none = rows.empty(); // a short last batch leaves some ranks without rows
        const auto batch = trainingBatch(trainSeq, rows, tc.maskRatio, vocabularySize,
                                         derivedSeed(tc.seed, kMaskSalt, std::uint64_t(step)), tc.duplicates == "weighted");
        BatchTensors t;
        if (!none) t = toTensors(batch, device);
        for (auto& group : optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
        lap(out.phases.batching);

        torch::Tensor hidden, dist;
        torch::Tensor centrePart = torch::zeros({params.config.model.hiddenSize}, torch::kFloat64);
        double rowWeight = 0, maskWeight = 0;
        if (!none) {
            AutocastScope autocast(precision, device);
            hidden = (*model)->forward(t.tokens, t.padding);
            dist = hidden.select(1, 0);
            torch::NoGradGuard noGrad;
            // Summed on the device, accumulated in float64 on the CPU (MPS has no float64).
            centrePart = centreContribution(dist.detach(), t).to(torch::kCPU).to(torch::kFloat64);
            rowWeight = batch.rowWeights.empty() ? double(batch.rows)
                                                 : std::accumulate(batch.rowWeights.begin(), batch.rowWeights.end(), 0.0);
            maskWeight = batch.targetWeights.empty()
                             ? double(batch.targets.size())
                             : std::accumulate(batch.targetWeights.begin(), batch.targetWeights.end(), 0.0);
        }
        const StepTotals totals = stepTotals(centrePart, rowWeight, maskWeight, cancelRequested);
        if (totals.cancelled) {
            out.cancelled = true;
            return out;
        }
        {
            torch::NoGradGuard noGrad;
            centreSum += totals.centre;
            centreCount += totals.rows;
        }
        lap(out.phases.forward);

        // Epoch 1 has no finished pass yet: its centre is the running mean so far.
        torch::Tensor loss, mlkpPart, vhmPart;
        if (!none) {
            AutocastScope autocast(precision, device);
            torch::Tensor target = centreReady ? centre : (centreSum / centreCount).to(torch::kFloat32).to(device);
            // This rank's share of the global means (exactly the means in one process).
            mlkpPart = maskedKeyLoss((*model)->maskedLogits(hidden, t.maskedIndex), t) *
                       (totals.masked > 0 ? maskWeight / totals.masked : 0.0);
            vhmPart = hypersphereLoss(dist, target, t) * (rowWeight / totals.rows);
            loss = mlkpPart + tc.vhmWeight * vhmPart;
        }
        lap(out.phases.loss);

        optimizer->zero_grad();
        if (!none) scaler.scaled(loss).backward();
        if (group) {
            const auto parameters = (*model)->parameters();
            if (none)
                for (const auto& p : parameters)
                    if (p.grad().defined()) p.mutable_grad().zero_();
            torch::Tensor parts = none ? torch::zeros({3}) : torch::stack({loss.detach(), mlkpPart.detach(), vhmPart.detach()}).to(torch::kCPU).to(torch::kFloat32);
            group->allReduceGradients(parameters, parts);
            out.loss = parts[0].item<double>(), out.mlkp = parts[1].item<double>(), out.vhm = parts[2].item<double>();
        } else {
            out.loss = loss.item<double>(), out.mlkp = mlkpPart.item<double>(), out.vhm = vhmPart.item<double>();
        }
        // fp16: gradients back to their true size (after the all-reduce, so every rank sees the
        // same overflow and skips the same step).
        const bool finite = scaler.unscale((*model)->parameters());
        if (finite && tc.gradClip > 0) torch::nn::utils::clip_grad_norm_((*model)->parameters(), tc.gradClip);
        lap(out.phases.backward);
        if (finite) optimizer->step();
        scaler.update(finite);
        lap(out.phases.optimizer);

        for (auto r : rows) out.flops += flopCounter->sequence(std::int64_t(trainSeq[r].tokens.size()) + 1);
        out.flops += flopCounter->maskedPredictions(std::int64_t(batch.targets.size()));
        return out;
    }

    /// Under `training.threads: auto`, follows the machine's load between steps.
    void reviseThreads(ThreadPolicy& policy) {
        const int before = policy.current().threads;
        const auto change = policy.revise();
        if (!change) return;
        at::set_num_threads(change->threads);
        info.threads = change->threads;
        info.threadsReason = change->reason;
        message("threads " + std::to_string(before) + " -> " + std::to_string(change->threads) + " (" + change->reason + ")");
        if (callbacks.onThreadsChanged) callbacks.onThreadsChanged(change->threads, change->reason);
    }

    // Set up by the phases of run().
    std::vector<const Session*> train;
    std::vector<TokenSequence> trainSeq, validationSeq;
    std::int64_t stepsPerEpoch = 0, totalSteps = 0, warmupSteps = 0;
    std::int32_t vocabularySize = 0;
    std::optional<StepFlopCounter> flopCounter;
    bool fromCheckpoint = false;
    std::string initSummary; ///< what init_from took over, when it did
    // This session's clock, rates and interval sums.
    Clock::time_point sessionStart, lastCheckpoint, intervalStart;
    double pausedSeconds = 0;
    std::int64_t stepsAtStart = 0;
    double stepSecondsSum = 0, stepFlopsSum = 0; // this session's steps, for the utilisation figure
    double intervalSeqs = 0, intervalTokens = 0;
    double rateSeqs = 0, rateTokens = 0; // smoothed per-step rates
    // The process's own resource samples: earlier sessions' rows, and this session's recorder.
    ResourceLog resources;
    std::unique_ptr<ResourceRecorder> recorder;

    /// The whole job, in the phases below.
    TrainingSummary run(const JobControl& control);
    void startRecordingResources();
    /// run.json's memory and speed figures from the samples so far.
    void updateCostFigures();
    void readData(const JobControl& control);
    void buildModel();
    /// A resumed run reads its checkpoint, metrics and run.json; a new one writes its folder.
    void openRunFolder();
    /// Rank 0 opens metrics.csv and resources.csv for appending: another process can follow them.
    void startLiveLogs();
    void announceSetup(const ThreadChoice& threads);
    void startClock();
    double elapsedNow() const;
    /// Joins the other ranks (when there are any) and picks this rank's device.
    void joinRanks();
    /// The setup phases on every rank: when one fails, the others learn it at once instead of
    /// waiting for it until the timeout.
    void setUp(const JobControl& control, ThreadPolicy& threadPolicy, ThreadChoice& threads);
    /// Rank 0 locks the folder (a new run's must be new or empty), then clears its own stale
    /// temporary files: never those of another writer.
    void claimRunFolder();
    /// Every rank starts from rank 0's weights.
    void shareInitialWeights();
    /// The global batches of the epoch in progress (plan), and the steps left in the run.
    void planEpoch();
    /// The rest of the epoch's batches; false when cancelled (a checkpoint is saved).
    bool trainEpoch(const JobControl& control, ThreadPolicy& threadPolicy, TrainingSummary& summary);
    void stopCancelled(TrainingSummary& summary);
    /// One step of the global batch `global`; false when some rank was asked to stop.
    bool trainBatch(const std::vector<std::uint32_t>& global, double lr, std::int64_t batchesInEpoch, bool cancelRequested);
    void logInterval(double lr);
    /// Centre, validation, best model, epoch row, checkpoint; true when training stops early.
    bool finishEpoch(const JobControl& control);
    void finishRun(TrainingSummary& summary);

    // The estimate (estimateTraining) on a job that has read its data and built its model.
    /// Times up to 8 of epoch 1's steps, spread over its mix of lengths, after one warm-up:
    /// trainSecondsPerEpoch = steps x the fixed part + epoch tokens x the part per token.
    void timeSteps(const JobControl& control, TrainingEstimate& e);
    /// Times validation on its first batches (after one warm-up) and scales by tokens.
    void timeValidation(const JobControl& control, TrainingEstimate& e);
};

TrainingJob::TrainingJob(TrainingParams params, TrainingCallbacks callbacks) : impl_(std::make_unique<Impl>()) {
    impl_->params = std::move(params);
    impl_->callbacks = std::move(callbacks);
}

TrainingJob::~TrainingJob() = default;

std::shared_ptr<const Dataset> TrainingJob::dataset() const { return impl_->dataset; }

TrainingSummary TrainingJob::run(const JobControl& control) { return impl_->run(control); }

TrainingSummary TrainingJob::Impl::run(const JobControl& control) {
    validateTrainingConfig(params.config);
    // LibTorch's warnings (an operator MPS lacks, run on the CPU) reach the job's log.
    const TorchWarningsToMessages torchWarnings([this](const std::string& text) { message("LibTorch: " + text); });
    rank = params.distributed.rank;
    worldSize = params.distributed.worldSize;
    // A run killed before its first checkpoint resumes from the beginning, in the same folder.
    if (params.resume) {
        std::error_code ec;
        fromCheckpoint = fs::exists(file(run_files::kCheckpoint), ec);
    }
    struct ReleaseLock {
        std::unique_ptr<RunFolderLock>& lock;
        ~ReleaseLock() { lock.reset(); } // before evaluation, which takes it again
    } releaseLock{folderLock};
    // Under auto the load is measured from here (while the data is read) to choose().
    ThreadPolicy threadPolicy(params.config.training.threads);
    joinRanks();
    startRecordingResources();
    ThreadChoice threads;
    setUp(control, threadPolicy, threads);
    shareInitialWeights();
    planEpoch();
    announceSetup(threads);

    TrainingSummary summary;
    startClock();
    saveInfo();
    try {
        while (epoch < params.config.training.numEpochs && !stoppedEarly) {
            if (!trainEpoch(control, threadPolicy, summary)) return summary; // cancelled, checkpoint saved
            if (finishEpoch(control)) break;                                 // early stop
        }
        finishRun(summary);
    } catch (const std::exception& e) {
        // The folder says why it stopped (a diverging loss, a lost rank); its last checkpoint
        // resumes. The counters stay those written with that checkpoint.
        if (writesRunFolder()) {
            RunInfo saved = info;
            try {
                saved = RunInfo::load(params.runDir);
            } catch (const InputError&) {
            }
            saved.status = "failed";
            saved.error = e.what();
            saved.updated = isoTimeNow();
            saved.save(params.runDir);
        }
        throw;
    }
    return summary;
}

void TrainingJob::Impl::joinRanks() {
    device = torch::Device(resolveDevice(params.config.training.device));
    precision = choosePrecision(params.config.training, device.str());
    scaler = LossScaler(precision == "fp16");
    if (!params.distributed.distributed()) return;
    // One GPU per rank of a machine, as torchrun's LOCAL_RANK says.
    if (device.is_cuda()) device = torch::Device(torch::kCUDA, torch::DeviceIndex(params.distributed.localRank % std::max<int>(1, int(torch::cuda::device_count()))));
    group = std::make_unique<RankGroup>(params.distributed, params.config.training.distributedBackend,
                                        params.config.training.distributedTimeoutSeconds);
}

void TrainingJob::Impl::setUp(const JobControl& control, ThreadPolicy& threadPolicy, ThreadChoice& threads) {
    std::exception_ptr failure;
    try {
        claimRunFolder();
        readData(control);
        // Threads are adopted per thread: set them here, on the thread that runs the job.
        threads = threadPolicy.choose();
        at::set_num_threads(threads.threads);
        buildModel();
        openRunFolder();
        startLiveLogs();
    } catch (...) {
        failure = std::current_exception();
        // A new run that never started leaves nothing behind.
        folderLock.reset();
        std::error_code ec;
        if (createdFolder && fs::is_empty(params.runDir, ec)) fs::remove(params.runDir, ec);
        if (!group) throw;
    }
    if (!group) return;
    std::vector<torch::Tensor> failed{torch::tensor({failure ? 1.0 : 0.0}, torch::kFloat64)};
    group->allReduceSum(failed, "the setup (reading data, building the model)");
    if (failure) std::rethrow_exception(failure);
    if (failed[0].item<double>() > 0)
        throw DistributedError(params.distributed.describe() + ": stopped because another rank failed to set up "
                                                               "(its own message says why)");
}

void TrainingJob::Impl::claimRunFolder() {
    if (!writesRunFolder()) return;
    std::error_code ec;
    if (!params.resume && !fs::exists(params.runDir, ec)) {
        folderLock = RunFolderLock::createFolder(params.runDir, "train"); // appears with its lock in it
        createdFolder = folderLock != nullptr;
    }
    if (!fs::is_directory(params.runDir, ec))
        throw InputError(params.runDir, 0, params.resume ? "no such run folder" : "exists and is not a folder");
    if (!folderLock)
        folderLock = std::make_unique<RunFolderLock>(params.runDir, params.resume ? "train --resume" : "train");
    if (params.resume)
        removeStaleTempFiles(params.runDir);
    else
        prepareNewRunFolder(params.runDir); // empty but for the lock, or refused
}

void TrainingJob::Impl::shareInitialWeights() {
    if (!group) return;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> state;
    for (auto& p : (*model)->parameters()) state.push_back(p.data());
    for (auto& b : (*model)->buffers()) state.push_back(b);
    state.push_back(centre);
    group->broadcast(state, 0, "the start (sharing rank 0's weights)");
}

namespace {
/// `rows` cut into steps of `size` rows.
std::vector<std::vector<std::uint32_t>> cutIntoSteps(const std::vector<std::uint32_t>& rows, std::int64_t size) {
    std::vector<std::vector<std::uint32_t>> steps;
    for (std::size_t begin = 0; begin < rows.size(); begin += std::size_t(size))
        steps.emplace_back(rows.begin() + std::ptrdiff_t(begin),
                           rows.begin() + std::ptrdiff_t(std::min(rows.size(), begin + std::size_t(size))));
    return steps;
}
} // namespace

void TrainingJob::Impl::planEpoch() {
    const TrainingConfig& tc = params.config.training;
    const std::uint64_t orderSeed = derivedSeed(tc.seed, kBatchOrderSalt, std::uint64_t(epoch));
    plan.clear();
    planRows.clear();
    if (epoch >= tc.numEpochs) return;
    if (!savedLayout) {
        plan = lengthBatches(trainSeq, int(globalBatch()), orderSeed);
    } else {
        // Resuming: the epoch continues as it was cut when the checkpoint was written.
        const TrainingProgress saved = std::move(*savedLayout);
        savedLayout.reset();
        const std::int64_t savedBatch = saved.globalBatch > 0 ? saved.globalBatch : tc.batchSize;
        plan = saved.epochRows.empty() ? lengthBatches(trainSeq, int(savedBatch), orderSeed)
                                       : cutIntoSteps(saved.epochRows, savedBatch);
        planRows = saved.epochRows;
        for (std::uint32_t r : saved.epochRows)
            if (r >= trainSeq.size())
                throw InputError(file(run_files::kCheckpoint), 0, "malformed checkpoint: names training rows the data does not have");
        if (batchInEpoch > std::int64_t(plan.size()))
            throw InputError(file(run_files::kCheckpoint), 0, "malformed checkpoint: its position is past the end of the epoch");
        if (savedBatch != globalBatch()) {
            // Another world size (or batch): the rows of the epoch not yet trained, in the same order,
            // cut into steps of the new global batch. No sequence is trained twice or skipped.
            std::vector<std::uint32_t> rest;
            for (std::size_t b = std::size_t(batchInEpoch); b < plan.size(); ++b) rest.insert(rest.end(), plan[b].begin(), plan[b].end());
            plan = cutIntoSteps(rest, globalBatch());
            planRows = rest;
            message("the global batch changed from " + std::to_string(savedBatch) + " to " + std::to_string(globalBatch()) +
                    " sequences (" + std::to_string(saved.worldSize) + " -> " + std::to_string(worldSize) +
                    " ranks): the rest of epoch " + std::to_string(epoch + 1) + " is " + std::to_string(plan.size()) + " steps");
            batchInEpoch = 0;
        }
    }
    // The learning-rate schedule counts global steps: those done, this epoch's, and the rest.
    totalSteps = step - batchInEpoch + std::int64_t(plan.size()) + stepsPerEpoch * (tc.numEpochs - epoch - 1);
    info.totalSteps = totalSteps;
}

void TrainingJob::Impl::startRecordingResources() {
    // A resumed run continues its resources.csv; one that cannot be read starts it again.
    std::error_code ec;
    if (fromCheckpoint && fs::exists(file(run_files::kResources), ec)) {
        try {
            resources = ResourceLog::load(file(run_files::kResources));
        } catch (const InputError& e) {
            message(std::string("resources.csv starts again: ") + e.what());
        }
    }
    const double offset = resources.rows().empty() ? 0.0 : resources.rows().back().elapsedSeconds;
    recorder = std::make_unique<ResourceRecorder>(offset, callbacks.onResources);
}

void TrainingJob::Impl::updateCostFigures() {
    const auto mine = recorder->rows();
    // This session's figures against earlier sessions' (a resume adds a session).
    if (!mine.empty()) {
        const double start = recorder->startRssMegabytes(), peak = recorder->peakRssMegabytes();
        if (peak >= info.peakRssMegabytes) info.startRssMegabytes = start;
        info.peakRssMegabytes = std::max(info.peakRssMegabytes, peak);
        info.trainingRssMegabytes = std::max(info.trainingRssMegabytes, peak - start);
    }
    if (info.stepSeconds > 0) {
        info.sequencesPerSecond = info.trainedSequences / info.stepSeconds;
        info.tokensPerSecond = info.trainedTokens / info.stepSeconds;
    }
}

void TrainingJob::Impl::readData(const JobControl& control) {
    const RunConfig& c = params.config;
    control.report("reading data", 0, 0);
    dataset = std::make_shared<Dataset>(buildDataset(c.data, control));
    const Dataset& d = *dataset;
    train = d.sessionsIn(Split::Train);
    std::vector<const Session*> validationNormals;
    for (const Session* s : d.sessionsIn(Split::Validation))
        if (s->label == Label::Normal) validationNormals.push_back(s);
    if (train.empty())
        throw InputError(c.data.name.empty() ? "data" : c.data.name, 0,
                         "no normal sessions to train on (LogBERT learns from normal sessions only)");
    trainSeq = trainingSequences(c, d, train);
    validationSeq = tokenize(validationNormals, d.vocabulary, c.model.maxSeqLen - 1, usesEndToken(c));
    checkBatchSize(c.training, trainSeq);
}

void TrainingJob::Impl::buildModel() {
    const RunConfig& c = params.config;
    const TrainingConfig& tc = c.training;
    const Dataset& d = *dataset;
    checkTrainingMemory(c, device.str(), std::int64_t(d.vocabulary.size()), trainSeq);
    {
        // Jobs of one process (ranks run as threads, two runs in the GUI) share LibTorch's default
        // generator: seeding it and drawing the initial weights is one step, so that each job's
        // weights come from its own seed alone and not from another job's draws in between.
        static std::mutex initialWeightsMutex;
        std::lock_guard<std::mutex> lock(initialWeightsMutex);
        torch::manual_seed(tc.seed);
        model = std::make_unique<LogBert>(logBertOptions(c.model, std::int64_t(d.vocabulary.size())));
    }
    if (!tc.initFrom.empty() && !fromCheckpoint) initSummary = initializeFromRun(*model, d.vocabulary, tc.initFrom);
    (*model)->to(device);
    (*model)->train();
    optimizer = std::make_unique<torch::optim::AdamW>(
        (*model)->parameters(), torch::optim::AdamWOptions(tc.learningRate).weight_decay(tc.weightDecay));
    const std::int64_t hidden = c.model.hiddenSize;
    centre = torch::zeros({hidden}, torch::TensorOptions().device(device));
    centreSum = torch::zeros({hidden}, torch::TensorOptions().dtype(torch::kFloat64)); // on the CPU

    stepsPerEpoch = std::int64_t((trainSeq.size() + std::size_t(globalBatch()) - 1) / std::size_t(globalBatch()));
    totalSteps = stepsPerEpoch * tc.numEpochs;
    warmupSteps = std::max<std::int64_t>(1, std::llround(tc.warmupRatio * double(totalSteps)));
    vocabularySize = std::int32_t(d.vocabulary.size());
    flopCounter.emplace(c.model, vocabularySize);
}

void TrainingJob::Impl::openRunFolder() {
    const Dataset& d = *dataset;
    if (fromCheckpoint) {
        loadCheckpoint();
        std::error_code ec;
        if (fs::exists(file(run_files::kMetrics), ec)) metrics = MetricsLog::load(file(run_files::kMetrics));
        metrics.truncateAfter(step);
        try {
            info = RunInfo::load(params.runDir);
        } catch (const InputError&) {
            info = RunInfo{};
        }
        requireStateFile(file(run_files::kVocabulary), "vocabulary", kMaxVocabularyBytes);
        std::ifstream vin(file(run_files::kVocabulary));
        const Vocabulary saved = Vocabulary::load(vin, file(run_files::kVocabulary));
        if (saved.keys() != d.vocabulary.keys())
            throw InputError(params.runDir, 0, "the data no longer gives the vocabulary this run was trained with; "
                                               "its inputs changed since the run started");
        message("resuming at epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(step));
        return;
    }
    if (params.resume)
        message("no checkpoint yet: training starts from the beginning");
    if (!writesRunFolder()) return;
    writeFileAtomically(file(run_files::kConfig), params.config.toYaml());
    {
        AtomicFile vocab(file(run_files::kVocabulary));
        d.vocabulary.save(vocab.stream());
        vocab.commit();
    }
    if (d.parser) {
        AtomicFile parser(file(run_files::kParser));
        d.parser->save(parser.stream());
        parser.commit();
    }
    writeTemplates(file(run_files::kTemplates), d);
    info.started = isoTimeNow();
}

void TrainingJob::Impl::startLiveLogs() {
    if (!writesRunFolder()) return;
    // Rewritten once (a resume drops the rows past its checkpoint, and a line a kill cut short),
    // then appended to as the run goes.
    metrics.save(file(run_files::kMetrics));
    metricsFile = std::make_unique<AppendFile>(file(run_files::kMetrics), MetricsCsv::header());
    resources.save(file(run_files::kResources));
    recorder->appendTo(file(run_files::kResources));
}

void TrainingJob::Impl::announceSetup(const ThreadChoice& threads) {
    const RunConfig& c = params.config;
    const TrainingConfig& tc = c.training;
    info.status = "training";
    info.device = device.str();
    info.precision = precision;
    info.threads = threads.threads;
    info.threadsReason = threads.reason;
    info.worldSize = worldSize;
    info.backend = group ? group->backendName() : "";
    info.parameters = (*model)->parameterCount();
    info.vocabularySize = dataset->vocabulary.size();
    info.trainSequences = sequencesRepresented(trainSeq);
    info.distinctTrainSequences = tc.mergesDuplicates() ? trainSeq.size() : 0;
    info.validationSequences = validationSeq.size();
    info.numEpochs = tc.numEpochs;
    info.totalSteps = totalSteps;
    if (!initSummary.empty()) info.initFrom = tc.initFrom;
    info.error.clear();
    if (callbacks.onSetup) {
        TrainingSetup setup;
        setup.device = info.device;
        setup.precision = precision;
        setup.threads = threads.threads;
        setup.threadsReason = threads.reason;
        setup.parameters = info.parameters;
        setup.vocabularySize = dataset->vocabulary.size();
        setup.trainSequences = info.trainSequences;
        setup.distinctTrainSequences = info.distinctTrainSequences;
        setup.validationSequences = validationSeq.size();
        const std::size_t maxKeys = std::size_t(c.model.maxSeqLen - 1);
        const bool endToken = usesEndToken(c);
        for (const Session* s : train) setup.longSessionsSplit += s->keys.size() + endToken > maxKeys;
        setup.stepsPerEpoch = stepsPerEpoch;
        setup.totalSteps = totalSteps;
        setup.startStep = step;
        setup.initFrom = initSummary;
        callbacks.onSetup(setup);
    }
    if (!initSummary.empty()) message(initSummary);
}

void TrainingJob::Impl::startClock() {
    sessionStart = lastCheckpoint = intervalStart = Clock::now();
    pausedSeconds = 0;
    stepsAtStart = step;
}

double TrainingJob::Impl::elapsedNow() const {
    return elapsedBefore + std::chrono::duration<double>(Clock::now() - sessionStart).count() - pausedSeconds;
}

bool TrainingJob::Impl::trainEpoch(const JobControl& control, ThreadPolicy& threadPolicy, TrainingSummary& summary) {
    const TrainingConfig& tc = params.config.training;
    for (; batchInEpoch < std::int64_t(plan.size()); ++batchInEpoch) {
        pausedSeconds += control.waitWhilePaused();
        // With other ranks, stopping is agreed inside the step, so that all stop at the same one.
        if (!group && control.cancelled()) {
            stopCancelled(summary);
            return false;
        }
        reviseThreads(threadPolicy);
        const double lr = step < warmupSteps
                              ? tc.learningRate * double(step + 1) / double(warmupSteps)
                              : tc.learningRate * std::max(0.0, double(totalSteps - step) /
                                                                    double(std::max<std::int64_t>(1, totalSteps - warmupSteps)));
        if (!trainBatch(plan[std::size_t(batchInEpoch)], lr, std::int64_t(plan.size()), control.cancelled())) {
            stopCancelled(summary);
            return false;
        }
        if (step % tc.logEvery == 0) logInterval(lr);
        if (std::chrono::duration<double>(Clock::now() - lastCheckpoint).count() >= tc.checkpointSeconds) {
            ++batchInEpoch; // this batch is done: resume starts at the next one
            saveCheckpoint(elapsedNow());
            --batchInEpoch;
            lastCheckpoint = Clock::now();
        }
    }
    return true;
}

void TrainingJob::Impl::stopCancelled(TrainingSummary& summary) {
    saveCheckpoint(elapsedNow());
    info.status = "cancelled";
    saveInfo();
    message("stopped at step " + std::to_string(step) + "; checkpoint saved (resume with --resume)");
    summary.cancelled = true;
    summary.steps = step;
    summary.epochsDone = epoch;
    summary.seconds = elapsedNow();
}

bool TrainingJob::Impl::trainBatch(const std::vector<std::uint32_t>& global, double lr, std::int64_t batchesInEpoch,
                                   bool cancelRequested) {
    const TrainingConfig& tc = params.config.training;
    std::vector<std::uint32_t> rows; // this rank's share, strided like DistributedSampler
    for (std::size_t i = std::size_t(rank); i < global.size(); i += std::size_t(worldSize)) rows.push_back(global[i]);
    const StepOutcome outcome = trainStep(rows, lr, cancelRequested);
    if (outcome.cancelled) return false;
    ++step;
    const double lossV = outcome.loss, mlkpV = outcome.mlkp, vhmV = outcome.vhm;
    if (!std::isfinite(lossV)) {
        // The settings' doing, so reported like bad input (CLI exit 2), with the likely culprit.
        // AdamW scales every weight by 1 - lr x weight_decay each step: at or below -1 the
        // weights flip sign and grow until they overflow (lr 10, weight_decay 1: nan at step 8).
        const double decay = 1.0 - tc.learningRate * tc.weightDecay;
        std::ostringstream why;
        why << "the loss became " << (std::isnan(lossV) ? "nan" : lossV > 0 ? "inf" : "-inf") << " at step " << step;
        if (decay <= -1.0)
            why << "; each step scales the weights by 1 - learning_rate x weight_decay = " << decay
                << ", so they grow without bound: lower training.learning_rate or training.weight_decay";
        else
            why << "; lower training.learning_rate, or set training.grad_clip";
        throw InputError(params.runDir + "/" + run_files::kConfig, 0, why.str());
    }
    const double stepSeconds = outcome.phases.total();
    std::size_t tokens = 0; // of the whole global batch, so that the rates count every rank's work
    for (auto r : global) tokens += trainSeq[r].tokens.size() + 1;
    stepSecondsSum += stepSeconds;
    stepFlopsSum += outcome.flops;
    info.stepSeconds += stepSeconds;
    info.trainedSequences += double(global.size());
    info.trainedTokens += double(tokens);
    recorder->setStep(step);
    const double seqRate = double(global.size()) / std::max(stepSeconds, 1e-9);
    const double tokRate = double(tokens) / std::max(stepSeconds, 1e-9);
    rateSeqs = rateSeqs == 0 ? seqRate : 0.9 * rateSeqs + 0.1 * seqRate;
    rateTokens = rateTokens == 0 ? tokRate : 0.9 * rateTokens + 0.1 * tokRate;
    sumLoss += lossV, sumMlkp += mlkpV, sumVhm += vhmV;
    intervalSeqs += double(global.size()), intervalTokens += double(tokens);
    ++intervalSteps;
    epochLoss += lossV, epochMlkp += mlkpV, epochVhm += vhmV;
    ++epochSteps;
    if (group) info.communicationSeconds = group->communicationSeconds();
    if (!callbacks.onStep) return true;
    const double elapsed = elapsedNow();
    const double perStep = (elapsed - elapsedBefore) / double(std::max<std::int64_t>(1, step - stepsAtStart));
    TrainingStep s;
    s.epoch = epoch + 1;
    s.epochs = tc.numEpochs;
    s.step = step;
    s.totalSteps = totalSteps;
    s.stepInEpoch = batchInEpoch + 1;
    s.stepsPerEpoch = batchesInEpoch;
    s.loss = lossV, s.mlkp = mlkpV, s.vhm = vhmV;
    s.learningRate = lr;
    s.sequencesPerSecond = rateSeqs;
    s.tokensPerSecond = rateTokens;
    s.elapsedSeconds = elapsed;
    s.etaSeconds = perStep * double(totalSteps - step);
    s.phases = outcome.phases;
    s.flops = outcome.flops;
    callbacks.onStep(s);
    return true;
}

void TrainingJob::Impl::logInterval(double lr) {
    const double seconds = std::chrono::duration<double>(Clock::now() - intervalStart).count();
    MetricsRow row;
    row.kind = MetricsRow::Kind::Step;
    row.epoch = epoch + 1;
    row.step = step;
    row.loss = sumLoss / double(intervalSteps);
    row.mlkp = sumMlkp / double(intervalSteps);
    row.vhm = sumVhm / double(intervalSteps);
    row.learningRate = lr;
    row.sequencesPerSecond = intervalSeqs / std::max(seconds, 1e-9);
    row.tokensPerSecond = intervalTokens / std::max(seconds, 1e-9);
    row.validationLoss = row.validationMlkp = row.validationVhm = std::nan("");
    row.elapsedSeconds = elapsedNow();
    row.rssMegabytes = double(currentRssBytes()) / 1048576.0;
    logRow(row);
    sumLoss = sumMlkp = sumVhm = intervalSeqs = intervalTokens = 0;
    intervalSteps = 0;
    intervalStart = Clock::now();
}

bool TrainingJob::Impl::finishEpoch(const JobControl& control) {
    const TrainingConfig& tc = params.config.training;
    // Its mean h_DIST becomes the centre; validate; keep the best model.
    {
        torch::NoGradGuard noGrad;
        centre = (centreSum / std::max(centreCount, 1.0)).to(torch::kFloat32).to(device);
        centreSum.zero_();
        centreCount = 0;
        centreReady = true;
    }
    TrainingEpoch e;
    e.epoch = epoch + 1;
    e.epochs = tc.numEpochs;
    e.step = step;
    e.trainLoss = epochSteps ? epochLoss / double(epochSteps) : std::nan("");
    e.trainMlkp = epochSteps ? epochMlkp / double(epochSteps) : std::nan("");
    e.trainVhm = epochSteps ? epochVhm / double(epochSteps) : std::nan("");
    epochLoss = epochMlkp = epochVhm = 0;
    epochSteps = 0;
    control.report("validating", 0, validationSeq.size());
    validate(validationSeq, e.validationLoss, e.validationMlkp, e.validationVhm);
    e.improved = validationSeq.empty() || e.validationLoss < bestValidationLoss;
    if (e.improved) {
        bestValidationLoss = validationSeq.empty() ? std::nan("") : e.validationLoss;
        bestEpoch = epoch + 1;
        badEpochs = 0;
        if (writesRunFolder()) saveModelFile(file(run_files::kModel), *model, centre);
    } else {
        ++badEpochs;
    }
    e.elapsedSeconds = elapsedNow();
    const double perStep = (e.elapsedSeconds - elapsedBefore) / double(std::max<std::int64_t>(1, step - stepsAtStart));
    e.etaSeconds = perStep * double(totalSteps - step);

    MetricsRow row;
    row.kind = MetricsRow::Kind::Epoch;
    row.epoch = epoch + 1;
    row.step = step;
    row.loss = e.trainLoss, row.mlkp = e.trainMlkp, row.vhm = e.trainVhm;
    row.learningRate = std::nan("");
    row.sequencesPerSecond = rateSeqs, row.tokensPerSecond = rateTokens;
    row.validationLoss = e.validationLoss, row.validationMlkp = e.validationMlkp, row.validationVhm = e.validationVhm;
    row.elapsedSeconds = e.elapsedSeconds;
    row.rssMegabytes = double(currentRssBytes()) / 1048576.0;
    logRow(row);
    if (callbacks.onEpoch) callbacks.onEpoch(e);

    ++epoch;
    batchInEpoch = 0;
    planEpoch();
    info.bestEpoch = bestEpoch;
    info.bestValidationLoss = bestValidationLoss;
    const bool stop = tc.earlyStoppingPatience > 0 && badEpochs >= tc.earlyStoppingPatience && epoch < tc.numEpochs;
    if (stop) {
        info.stoppedEarly = true;
        stoppedEarly = true; // saved: a resume of this run has nothing left to do
    }
    saveCheckpoint(e.elapsedSeconds);
    lastCheckpoint = Clock::now();
    if (stop) message("early stop: validation loss has not improved for " + std::to_string(badEpochs) + " epochs");
    return stop;
}

void TrainingJob::Impl::finishRun(TrainingSummary& summary) {
    summary.seconds = elapsedNow();
    summary.steps = step;
    summary.epochsDone = epoch;
    summary.stoppedEarly = stoppedEarly;
    summary.bestEpoch = bestEpoch;
    summary.bestValidationLoss = bestValidationLoss;
    info.status = "trained";
    info.trainingSeconds = summary.seconds;
    if (stepSecondsSum > 0) {
        // Utilisation against this machine's matrix-product speed at the same thread count
        // (best of three windows, as one window beside another program's burst gave 100% once).
        info.modelGflopsPerSecond = stepFlopsSum / stepSecondsSum / 1e9;
        info.matmulGflops = measureMatmulGflops(0, 3);
    }
    updateCostFigures();
    info.updated = isoTimeNow();
    saveInfo();
}

namespace {
/// Rows times the longest sequence (+ [DIST]): what a batch's forward pass computes on.
double paddedTokens(const std::vector<TokenSequence>& sequences, const std::vector<std::uint32_t>& rows) {
    std::size_t longest = 0;
    for (auto r : rows) longest = std::max(longest, sequences[r].tokens.size());
    return double(rows.size() * (longest + 1));
}
} // namespace

void TrainingJob::Impl::timeSteps(const JobControl& control, TrainingEstimate& e) {
    constexpr std::size_t kTimed = 8;
    constexpr double kBudgetSeconds = 6; // a big model stops after fewer steps (3 at least)
    const std::size_t picks = std::min(plan.size(), kTimed + 1);
    double fixedSeconds = 0, tokenSeconds = 0, timedTokens = 0;
    for (std::size_t i = 0; i < picks; ++i) {
        control.throwIfCancelled();
        control.report("timing steps", std::int64_t(i), std::int64_t(picks));
        const auto& rows = plan[i * plan.size() / picks]; // shuffled: a spread of lengths
        const StepOutcome s = trainStep(rows, params.config.training.learningRate, false);
        if (i == 0) continue; // warm-up: allocations and lazy initialization
        fixedSeconds += s.phases.batching + s.phases.optimizer;
        tokenSeconds += s.phases.forward + s.phases.loss + s.phases.backward;
        timedTokens += paddedTokens(trainSeq, rows);
        ++e.timedSteps;
        if (e.timedSteps >= 3 && fixedSeconds + tokenSeconds > kBudgetSeconds) break;
    }
    if (e.timedSteps == 0) return;
    double epochTokens = 0;
    for (const auto& rows : plan) epochTokens += paddedTokens(trainSeq, rows);
    e.trainSecondsPerEpoch = fixedSeconds / e.timedSteps * double(plan.size()) + tokenSeconds / timedTokens * epochTokens;
}

void TrainingJob::Impl::timeValidation(const JobControl& control, TrainingEstimate& e) {
    if (validationSeq.empty()) return;
    control.throwIfCancelled();
    control.report("timing validation", 0, 0);
    // validate() on a sample of whole batches, in the order it would batch them.
    const std::size_t batch = std::size_t(params.config.detection.batchSize);
    const std::vector<TokenSequence> sample(validationSeq.begin(),
                                            validationSeq.begin() + std::ptrdiff_t(std::min(validationSeq.size(), 2 * batch)));
    double loss, mlkp, vhm;
    validate(sample, loss, mlkp, vhm); // warm-up
    const auto start = Clock::now();
    validate(sample, loss, mlkp, vhm);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    auto tokens = [](const std::vector<TokenSequence>& sequences) {
        double n = 0;
        for (const auto& s : sequences) n += double(s.tokens.size() + 1);
        return n;
    };
    e.validationSecondsPerEpoch = seconds / tokens(sample) * tokens(validationSeq);
}

TrainingEstimate estimateTraining(const RunConfig& c, const JobControl& control) {
    validateTrainingConfig(c);
    TrainingEstimate e;
    TrainingJob::Impl job; // no run folder: only the phases that read, build and step
    job.params.config = c;
    ThreadPolicy threadPolicy(c.training.threads);
    job.joinRanks();
    const auto readStart = Clock::now();
    job.readData(control);
    e.readSeconds = std::chrono::duration<double>(Clock::now() - readStart).count();
    const ThreadChoice threads = threadPolicy.choose();
    at::set_num_threads(threads.threads);
    job.buildModel();
    job.planEpoch();
    e.device = job.device.str();
    e.threads = threads.threads;
    e.threadsReason = threads.reason;
    e.parameters = (*job.model)->parameterCount();
    e.vocabularySize = job.dataset->vocabulary.size();
    e.trainSequences = sequencesRepresented(job.trainSeq);
    e.validationSequences = job.validationSeq.size();
    e.stepsPerEpoch = std::int64_t(job.plan.size());
    e.epochs = c.training.numEpochs;
    const ModelMemory memory = runTrainingMemory(c, std::int64_t(e.vocabularySize), job.trainSeq);
    e.modelMegabytes = memory.stateBytes / 1048576.0;
    e.trainingMegabytes = memory.total() / 1048576.0;
    job.timeSteps(control, e);
    job.timeValidation(control, e);
    return e;
}

} // namespace logbert
