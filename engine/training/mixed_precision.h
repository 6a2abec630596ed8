// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine (includes LibTorch): mixed-precision training on CUDA
// (`training.precision: bf16|fp16`, engine/runtime/precision.h).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace logbert {

/// CUDA autocast for the forward pass and the losses while it lives (backward runs outside, as
/// PyTorch's AMP recipe has it). Does nothing for fp32 or off CUDA.
class AutocastScope {
public:
    AutocastScope(const std::string& precision, const torch::Device& device);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool active_ = false;
    bool wasEnabled_ = false;
};

/// fp16's dynamic loss scale (PyTorch's GradScaler, same constants): the loss is multiplied by the
/// scale before backward so that small gradients do not flush to zero in fp16; the gradients are
/// divided by it before clipping; a step whose gradients overflowed is skipped and the scale
/// halved; after 2000 clean steps it doubles. Disabled (scale 1, nothing skipped) otherwise.
/// Device-agnostic, so that it is tested on the CPU.
class LossScaler {
public:
    static constexpr double kInitialScale = 65536.0, kGrowthFactor = 2.0, kBackoffFactor = 0.5;
    static constexpr std::int64_t kGrowthInterval = 2000;

    explicit LossScaler(bool enabled, double scale = kInitialScale, std::int64_t cleanSteps = 0);
    bool enabled() const { return enabled_; }
    double scale() const { return enabled_ ? scale_ : 1.0; }
    std::int64_t cleanSteps() const { return cleanSteps_; }

    torch::Tensor scaled(const torch::Tensor& loss) const;
    /// Divides every gradient by the scale. False when any gradient holds inf or NaN: skip the step.
    bool unscale(const std::vector<torch::Tensor>& parameters) const;
    /// After each step, with what unscale returned.
    void update(bool finite);

private:
    bool enabled_;
    double scale_;
    std::int64_t cleanSteps_;
};

} // namespace logbert
