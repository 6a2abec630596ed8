// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/training/checkpoint.h"

#include <cmath>
#include <mutex>

#include "engine/core/errors.h"
#include "engine/model/model_store.h"
#include "engine/runtime/torch_compat.h"
#include "engine/training/optimizer_state.h"

namespace logbert {

namespace {

constexpr std::int64_t kProgressFields = 7, kProgressFloatFields = 3;

void require(bool ok, const std::string& path, const std::string& what) {
    if (!ok) throw InputError(path, 0, "malformed checkpoint: " + what);
}

bool isVector(const torch::Tensor& t, torch::ScalarType type, std::int64_t size) {
    return t.defined() && t.dim() == 1 && t.scalar_type() == type && t.size(0) == size;
}

torch::Device deviceOf(LogBert& model) {
    const auto params = model->parameters();
    return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

/// Dropout on a GPU draws from its CUDA generator: a resume there restores it too. A checkpoint
/// read on another kind of device keeps only the CPU generator's state (the masks).
void restoreCudaRng(const torch::Tensor& state, torch::Device device) {
    if (!state.defined() || !device.is_cuda()) return;
    at::Generator generator = compat::cudaGenerator(device.index());
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}


} // namespace

void saveCheckpoint(const std::string& path, LogBert& model, torch::optim::AdamW& optimizer,
                    const TrainingProgress& p, const torch::Tensor& centre, const torch::Tensor& centreSum) {
    torch::serialize::OutputArchive archive, weights, optimizerState;
    writeModel(weights, model);
    writeAdamWState(optimizerState, optimizer);
    archive.write("model", weights);
    archive.write("adamw", optimizerState);
    archive.write("progress", torch::tensor({p.step, std::int64_t(p.epoch), p.batchInEpoch, std::int64_t(p.bestEpoch),
                                             std::int64_t(p.badEpochs), std::int64_t(p.centreReady),
                                             std::int64_t(p.stoppedEarly)}));
    archive.write("progress_f", torch::tensor({p.elapsedSeconds, p.bestValidationLoss, p.centreCount}, torch::kFloat64));
    archive.write("sums", torch::tensor({p.epochSums[0], p.epochSums[1], p.epochSums[2], p.epochSums[3],
                                         p.intervalSums[0], p.intervalSums[1], p.intervalSums[2], p.intervalSums[3]},
                                        torch::kFloat64));
    archive.write("layout", torch::tensor({std::int64_t(p.worldSize), p.globalBatch}));
    if (!p.epochRows.empty()) {
        std::vector<std::int64_t> rows(p.epochRows.begin(), p.epochRows.end());
        archive.write("epoch_rows", torch::tensor(rows));
    }
    archive.write("centre", centre.detach().cpu());
    archive.write("centre_sum", centreSum.detach().cpu());
    if (p.lossScale > 0) archive.write("loss_scale", torch::tensor({p.lossScale, double(p.lossScaleCleanSteps)}, torch::kFloat64));
    archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
    const torch::Device device = deviceOf(model);
    if (device.is_cuda()) archive.write("rng_cuda", compat::cudaGenerator(device.index()).get_state());
    saveArchiveAtomically(archive, path);
}

void loadCheckpoint(const std::string& path, LogBert& model, torch::optim::AdamW& optimizer,
                    TrainingProgress& p, torch::Tensor& centre, torch::Tensor& centreSum) {
    torch::serialize::InputArchive archive;
    openArchive(archive, path);
    readingArchive(path, "malformed checkpoint", [&] {
        torch::serialize::InputArchive weights, adamState, legacyState;
        torch::Tensor progress, progressF, centreRead, sumRead, rng;
        // "adamw": this project's layout; "optimizer": LibTorch's own, in checkpoints before it.
        const bool ownLayout = archive.try_read("adamw", adamState);
        require(archive.try_read("model", weights) && (ownLayout || archive.try_read("optimizer", legacyState)) &&
                    archive.try_read("progress", progress) && archive.try_read("progress_f", progressF) &&
                    archive.try_read("centre", centreRead) && archive.try_read("centre_sum", sumRead) &&
                    archive.try_read("rng", rng),
                path, "missing model, optimizer, progress, centre or RNG state");
        const std::int64_t hidden = model->options().hidden_size();
        require(isVector(progress, torch::kInt64, kProgressFields) &&
                    isVector(progressF, torch::kFloat64, kProgressFloatFields),
                path, "progress has an unexpected layout");
        torch::Tensor sums; // absent in checkpoints of earlier versions: the means restart
        if (archive.try_read("sums", sums))
            require(isVector(sums, torch::kFloat64, 8), path, "loss sums have an unexpected layout");
        torch::Tensor layout, epochRows; // absent before distributed training: one process
        if (archive.try_read("layout", layout)) {
            require(isVector(layout, torch::kInt64, 2), path, "the batch layout has an unexpected layout");
            auto l = layout.accessor<std::int64_t, 1>();
            require(l[0] >= 1 && l[0] <= (1 << 20) && l[1] >= 0 && l[1] <= (std::int64_t(1) << 40), path, "absurd batch layout");
        }
        if (archive.try_read("epoch_rows", epochRows))
            require(epochRows.defined() && epochRows.dim() == 1 && epochRows.scalar_type() == torch::kInt64 &&
                        (epochRows.numel() == 0 || (epochRows.min().item<std::int64_t>() >= 0 &&
                                                    epochRows.max().item<std::int64_t>() < (std::int64_t(1) << 32))),
                    path, "the epoch's remaining rows have an unexpected layout");
        require(rng.defined() && rng.scalar_type() == torch::kUInt8, path, "RNG state is not a byte tensor");
        torch::Tensor rngCuda, lossScale;
        if (archive.try_read("rng_cuda", rngCuda))
            require(rngCuda.defined() && rngCuda.scalar_type() == torch::kUInt8, path, "CUDA RNG state is not a byte tensor");
        if (archive.try_read("loss_scale", lossScale)) {
            require(isVector(lossScale, torch::kFloat64, 2), path, "the fp16 loss scale has an unexpected layout");
            auto s = lossScale.accessor<double, 1>();
            require(std::isfinite(s[0]) && s[0] > 0 && s[1] >= 0 && s[1] < 1e12, path, "absurd fp16 loss scale");
        }
        auto i = progress.accessor<std::int64_t, 1>();
        auto f = progressF.accessor<double, 1>();
        for (std::int64_t k = 0; k < kProgressFields; ++k) require(i[k] >= 0 && i[k] <= (std::int64_t(1) << 40), path, "negative or absurd progress");
        require(std::isfinite(f[0]) && f[0] >= 0 && f[2] >= 0, path, "negative or absurd progress");

        readModel(weights, model, path); // checks every name and shape before copying anything
        require(isVector(centreRead, torch::kFloat32, hidden) && isVector(sumRead, torch::kFloat64, hidden),
                path, "the hypersphere centre does not have the model's hidden size " + std::to_string(hidden));
        if (ownLayout) {
            readAdamWState(adamState, optimizer, path);
        } else {
            readingArchive(path, "optimizer state does not fit this model", [&] { optimizer.load(legacyState); });
            moveOptimizerStateToParameters(optimizer);
        }
        at::Generator generator = at::detail::getDefaultCPUGenerator(); // a handle: shares the state
        {
            std::lock_guard<std::mutex> lock(generator.mutex());
            generator.set_state(rng);
        }
        readingArchive(path, "CUDA RNG state does not fit this device", [&] { restoreCudaRng(rngCuda, deviceOf(model)); });
        p.lossScale = lossScale.defined() ? lossScale[0].item<double>() : 0;
        p.lossScaleCleanSteps = lossScale.defined() ? std::int64_t(lossScale[1].item<double>()) : 0;
        p.step = i[0];
        p.epoch = int(i[1]);
        p.batchInEpoch = i[2];
        p.bestEpoch = int(i[3]);
        p.badEpochs = int(i[4]);
        p.centreReady = i[5] != 0;
        p.stoppedEarly = i[6] != 0;
        p.elapsedSeconds = f[0];
        p.bestValidationLoss = f[1];
        p.centreCount = f[2];
        p.epochSums = {};
        p.intervalSums = {};
        if (sums.defined()) {
            auto a = sums.accessor<double, 1>();
            for (int k = 0; k < 4; ++k) p.epochSums[std::size_t(k)] = a[k], p.intervalSums[std::size_t(k)] = a[k + 4];
            require(p.epochSums[3] >= 0 && p.intervalSums[3] >= 0, path, "negative step counts");
        }
        p.worldSize = 1, p.globalBatch = 0;
        if (layout.defined()) p.worldSize = int(layout[0].item<std::int64_t>()), p.globalBatch = layout[1].item<std::int64_t>();
        p.epochRows.clear();
        if (epochRows.defined()) {
            auto r = epochRows.accessor<std::int64_t, 1>();
            for (std::int64_t k = 0; k < epochRows.numel(); ++k) p.epochRows.push_back(std::uint32_t(r[k]));
        }
        centre = centreRead.clone();
        centreSum = sumRead.clone();
    });
}

} // namespace logbert
