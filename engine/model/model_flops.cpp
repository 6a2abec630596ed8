// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/model_flops.h"

namespace logbert {

namespace {
constexpr double kForwardAndBackward = 3.0;
}

StepFlopCounter::StepFlopCounter(const ModelConfig& model, std::int64_t vocabularySize)
    : d_(model.hiddenSize),
      f_(model.intermediateSize > 0 ? model.intermediateSize : 4 * model.hiddenSize),
      layers_(model.numHiddenLayers),
      vocabulary_(double(vocabularySize)) {}

double StepFlopCounter::sequence(std::int64_t tokens) const {
    const double n = double(tokens);
    const double perLayer = n * (8 * d_ * d_ + 4 * d_ * f_) + 4 * n * n * d_;
    return kForwardAndBackward * layers_ * perLayer;
}

double StepFlopCounter::maskedPredictions(std::int64_t masked) const {
    return kForwardAndBackward * 2 * d_ * vocabulary_ * double(masked);
}

} // namespace logbert
