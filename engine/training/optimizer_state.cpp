// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/training/optimizer_state.h"

#include <vector>

#include "engine/core/errors.h"
#include "engine/runtime/torch_compat.h"

namespace logbert {

namespace {

std::vector<torch::Tensor> parametersOf(torch::optim::AdamW& optimizer) {
    std::vector<torch::Tensor> all;
    for (auto& group : optimizer.param_groups())
        for (auto& p : group.params()) all.push_back(p);
    return all;
}

torch::optim::AdamWParamState* adamState(torch::optim::AdamW& optimizer, const torch::Tensor& p) {
    return static_cast<torch::optim::AdamWParamState*>(compat::findOptimizerState(optimizer, p));
}

std::string indexed(const char* name, std::size_t i) { return std::string(name) + "/" + std::to_string(i); }

} // namespace

void writeAdamWState(torch::serialize::OutputArchive& archive, torch::optim::AdamW& optimizer) {
    const auto params = parametersOf(optimizer);
    std::vector<std::int64_t> steps;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto* s = adamState(optimizer, params[i]);
        steps.push_back(s ? s->step() : 0);
        if (!s) continue;
        archive.write(indexed("exp_avg", i), s->exp_avg().detach().cpu());
        archive.write(indexed("exp_avg_sq", i), s->exp_avg_sq().detach().cpu());
    }
    archive.write("steps", torch::tensor(steps, torch::kInt64));
}

void readAdamWState(torch::serialize::InputArchive& archive, torch::optim::AdamW& optimizer, const std::string& path) {
    const auto params = parametersOf(optimizer);
    auto fail = [&](const std::string& what) { throw InputError(path, 0, "malformed checkpoint: optimizer state " + what); };
    torch::Tensor steps;
    if (!archive.try_read("steps", steps) || !steps.defined() || steps.dim() != 1 || steps.scalar_type() != torch::kInt64)
        fail("has no step counts");
    if (steps.size(0) != std::int64_t(params.size()))
        fail("covers " + std::to_string(steps.size(0)) + " parameters, the model has " + std::to_string(params.size()));
    struct Moments {
        std::int64_t step;
        torch::Tensor avg, avgSq;
    };
    std::vector<Moments> read(params.size());
    auto count = steps.accessor<std::int64_t, 1>();
    for (std::size_t i = 0; i < params.size(); ++i) {
        read[i].step = count[std::int64_t(i)];
        if (read[i].step < 0 || read[i].step > (std::int64_t(1) << 40)) fail("has a negative or absurd step count");
        if (read[i].step == 0) continue;
        auto fits = [&](torch::Tensor& t, const char* name) {
            return archive.try_read(indexed(name, i), t) && t.defined() && t.sizes().equals(params[i].sizes()) &&
                   t.scalar_type() == params[i].scalar_type();
        };
        if (!fits(read[i].avg, "exp_avg") || !fits(read[i].avgSq, "exp_avg_sq"))
            fail("of parameter " + std::to_string(i) + " is missing or does not have its shape");
    }
    torch::NoGradGuard noGrad;
    for (std::size_t i = 0; i < params.size(); ++i) {
        std::unique_ptr<torch::optim::AdamWParamState> state;
        if (read[i].step > 0) {
            state = std::make_unique<torch::optim::AdamWParamState>();
            state->step(read[i].step);
            state->exp_avg(read[i].avg.to(params[i].device()));
            state->exp_avg_sq(read[i].avgSq.to(params[i].device()));
        }
        compat::setOptimizerState(optimizer, params[i], std::move(state));
    }
}

void moveOptimizerStateToParameters(torch::optim::AdamW& optimizer) {
    torch::NoGradGuard noGrad;
    for (const auto& p : parametersOf(optimizer)) {
        auto* s = adamState(optimizer, p);
        if (!s) continue;
        s->exp_avg(s->exp_avg().to(p.device()));
        s->exp_avg_sq(s->exp_avg_sq().to(p.device()));
        if (s->max_exp_avg_sq().defined()) s->max_exp_avg_sq(s->max_exp_avg_sq().to(p.device()));
    }
}

} // namespace logbert
