// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: includes LibTorch (see logbert_model.h).
#pragma once

#include <torch/torch.h>

#include "engine/model/logbert_model.h"

namespace logbert {

/// MLKP: mean cross-entropy of the masked-key logits [M, V] against `t.targets`. When the batch
/// holds merged sequences (`t.targetWeights` defined) each prediction counts as often as its row's
/// sequence occurs, so the loss equals the mean over every copy.
torch::Tensor maskedKeyLoss(const torch::Tensor& logits, const BatchTensors& t);

/// VHM: mean squared distance of h_DIST [B, D] to the centre [D], weighted like maskedKeyLoss.
torch::Tensor hypersphereLoss(const torch::Tensor& dist, const torch::Tensor& centre, const BatchTensors& t);

/// The batch's contribution to the centre: the sum of h_DIST [D] over every sequence it stands
/// for, and how many those are.
torch::Tensor centreContribution(const torch::Tensor& dist, const BatchTensors& t);

} // namespace logbert
