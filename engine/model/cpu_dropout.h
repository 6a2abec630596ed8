// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine (includes LibTorch).
#pragma once

#include <torch/torch.h>

namespace logbert {

/// Inverted dropout, as torch::nn::functional::dropout: each element is kept with probability
/// 1 - p and scaled by 1 / (1 - p). On the CPU the mask comes from fillDropoutMask (dropout_mask.h)
/// with a seed drawn once per call from LibTorch's CPU generator,
/// so runs stay seeded and resume exactly (that generator is checkpointed). LibTorch 1.13 draws
/// every element of its mask from mt19937 one at a time: 16% of a training step on the HDFS
/// shape (README "Training speed"). Other devices use LibTorch's own (fused) dropout.
torch::Tensor dropout(const torch::Tensor& x, double p, bool training);

} // namespace logbert
