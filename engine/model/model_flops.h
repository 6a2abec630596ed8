// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

#include "engine/config/run_config.h"

namespace logbert {

/// Floating-point operations of one training step of LogBERT, counted from the layer shapes
/// (a multiply-add is 2): per layer and token the Q/K/V and output projections (8 d²) and the
/// feed-forward network (4 d f), per layer and sequence the attention scores and their weighted
/// sum (4 n² d), and the MLKP head at the masked positions (2 d V each). Backward costs twice the
/// forward pass, so a step is 3 x forward. Padding and the small element-wise operations (layer
/// norms, softmax, GELU, the VHM distance) are not counted: they are what the utilisation
/// figure measures as waste.
struct StepFlopCounter {
    explicit StepFlopCounter(const ModelConfig& model, std::int64_t vocabularySize);
    /// One sequence of `tokens` tokens (its [DIST] included).
    double sequence(std::int64_t tokens) const;
    /// `masked` positions predicted by the MLKP head.
    double maskedPredictions(std::int64_t masked) const;

private:
    double d_, f_, layers_, vocabulary_;
};

} // namespace logbert
