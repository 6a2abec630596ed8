// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/training/mixed_precision.h"

#include "engine/runtime/torch_compat.h"

namespace logbert {

AutocastScope::AutocastScope(const std::string& precision, const torch::Device& device) {
    if (!device.is_cuda() || (precision != "bf16" && precision != "fp16")) return;
    active_ = true;
    wasEnabled_ = compat::cudaAutocastEnabled();
    compat::setCudaAutocastDtype(precision == "bf16" ? at::kBFloat16 : at::kHalf);
    compat::setCudaAutocastEnabled(true);
    at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
    if (!active_) return;
    // The casts of the weights are cached for the scope's life; drop them with the outermost one.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    compat::setCudaAutocastEnabled(wasEnabled_);
}

LossScaler::LossScaler(bool enabled, double scale, std::int64_t cleanSteps)
    : enabled_(enabled), scale_(scale > 0 ? scale : kInitialScale), cleanSteps_(cleanSteps) {}

torch::Tensor LossScaler::scaled(const torch::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }

bool LossScaler::unscale(const std::vector<torch::Tensor>& parameters) const {
    if (!enabled_) return true;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> finite;
    for (const auto& p : parameters) {
        if (!p.grad().defined()) continue;
        torch::Tensor g = p.mutable_grad();
        g.mul_(1.0 / scale_);
        finite.push_back(torch::isfinite(g).all());
    }
    return finite.empty() || torch::stack(finite).all().item<bool>(); // one device sync per step
}

void LossScaler::update(bool finite) {
    if (!enabled_) return;
    if (!finite) {
        scale_ *= kBackoffFactor;
        cleanSteps_ = 0;
    } else if (++cleanSteps_ >= kGrowthInterval) {
        scale_ *= kGrowthFactor;
        cleanSteps_ = 0;
    }
}

} // namespace logbert
