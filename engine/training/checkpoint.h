// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine (includes LibTorch): checkpoint.pt, the resumable state of a training
// run. Reading validates every part before the run uses it, because a checkpoint may be
// truncated by a crash, come from another model size, or be any file someone put there.
#pragma once

#include <torch/torch.h>

#include <array>
#include <vector>
#include <cstdint>
#include <limits>
#include <string>

#include "engine/model/logbert_model.h"

namespace logbert {

/// Where training stands; saved with the weights so that a resumed run continues exactly.
struct TrainingProgress {
    std::int64_t step = 0;
    int epoch = 0; ///< 0-based epoch in progress
    std::int64_t batchInEpoch = 0;
    int bestEpoch = 0;
    int badEpochs = 0;
    bool centreReady = false;
    bool stoppedEarly = false;
    double elapsedSeconds = 0;
    double bestValidationLoss = std::numeric_limits<double>::infinity();
    double centreCount = 0;
    /// Loss, MLKP, VHM sums and step count of the epoch and of the metrics interval in progress.
    std::array<double, 4> epochSums{}, intervalSums{};
    /// The batch layout the epoch in progress was cut with: ranks, and sequences per optimizer step
    /// over all ranks (0 in checkpoints of earlier versions: one process, training.batch_size).
    int worldSize = 1;
    std::int64_t globalBatch = 0;
    /// When a resume changed the global batch mid-epoch, the rows still to train in that epoch, in
    /// order, cut into globalBatch-sized steps; empty when the epoch follows lengthBatches().
    std::vector<std::uint32_t> epochRows;
    /// fp16 training's dynamic loss scale and its steps since the last overflow (0: not fp16).
    double lossScale = 0;
    std::int64_t lossScaleCleanSteps = 0;
};

/// Writes model, optimizer, progress, hypersphere centre and the RNG states (CPU, and CUDA when
/// the model is there) atomically. Every tensor is written from the CPU, so that a checkpoint of a
/// GPU run resumes on a CPU and the other way round.
void saveCheckpoint(const std::string& path, LogBert& model, torch::optim::AdamW& optimizer,
                    const TrainingProgress& progress, const torch::Tensor& centre, const torch::Tensor& centreSum);

/// Reads a checkpoint into `model` and `optimizer` (onto the model's device, wherever it was
/// written) and restores the RNGs. Throws InputError naming `path` when anything is missing,
/// malformed or of another model size.
void loadCheckpoint(const std::string& path, LogBert& model, torch::optim::AdamW& optimizer,
                    TrainingProgress& progress, torch::Tensor& centre, torch::Tensor& centreSum);

} // namespace logbert
