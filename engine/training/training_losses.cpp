// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/training/training_losses.h"

namespace logbert {
namespace F = torch::nn::functional;

torch::Tensor maskedKeyLoss(const torch::Tensor& logits, const BatchTensors& t) {
    if (t.targets.numel() == 0) return torch::zeros({}, logits.options());
    // Unweighted batches keep LibTorch's own mean, bit for bit what runs without merging computed.
    if (!t.targetWeights.defined()) return F::cross_entropy(logits, t.targets);
    const auto each = F::cross_entropy(logits, t.targets, F::CrossEntropyFuncOptions().reduction(torch::kNone));
    return (each * t.targetWeights).sum() / t.targetWeights.sum();
}

torch::Tensor hypersphereLoss(const torch::Tensor& dist, const torch::Tensor& centre, const BatchTensors& t) {
    const auto squared = (dist - centre).pow(2).sum(1);
    if (!t.rowWeights.defined()) return squared.mean();
    return (squared * t.rowWeights).sum() / t.rowWeights.sum();
}

torch::Tensor centreContribution(const torch::Tensor& dist, const BatchTensors& t) {
    if (!t.rowWeights.defined()) return dist.sum(0);
    return (dist * t.rowWeights.unsqueeze(1)).sum(0);
}

} // namespace logbert
