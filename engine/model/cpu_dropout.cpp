// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/model/cpu_dropout.h"

#include <ATen/CPUGeneratorImpl.h>

#include <mutex>

#include "engine/model/dropout_mask.h"

namespace logbert {

namespace {

std::uint64_t seedFromTorch() {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get<at::CPUGeneratorImpl>()->random64();
}

} // namespace

torch::Tensor dropout(const torch::Tensor& x, double p, bool training) {
    if (!training || p <= 0) return x;
    if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat || p >= 1)
        return torch::nn::functional::dropout(x, torch::nn::functional::DropoutFuncOptions().p(p).training(true));
    auto mask = torch::empty(x.sizes(), x.options().requires_grad(false));
    fillDropoutMask(mask.data_ptr<float>(), mask.numel(), p, seedFromTorch());
    return x * mask;
}

} // namespace logbert
