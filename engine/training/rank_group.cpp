// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/rank_group.h"

#include <chrono>

#include "engine/core/errors.h"

#if !LOGBERT_HAS_GLOO
// Built without Gloo's headers (engine/CMakeLists.txt): one process only, and a clear refusal.
namespace logbert {
struct RankGroup::Impl {};
RankGroup::RankGroup(const DistributedEnv& env, const std::string&, double) {
    throw InputError(env.launcher, 0,
                     "this logbert was built without distributed training (LibTorch's c10d needs Gloo's headers: "
                     "Debian's libgloo-dev); it cannot be " + env.describe());
}
RankGroup::~RankGroup() = default;
int RankGroup::rank() const { return 0; }
int RankGroup::size() const { return 1; }
std::string RankGroup::backendName() const { return ""; }
double RankGroup::communicationSeconds() const { return 0; }
void RankGroup::allReduceSum(std::vector<torch::Tensor>&, const std::string&) {}
void RankGroup::allReduceGradients(const std::vector<torch::Tensor>&, torch::Tensor&) {}
void RankGroup::broadcast(std::vector<torch::Tensor>&, int, const std::string&) {}
void RankGroup::barrier(const std::string&) {}
} // namespace logbert
#else

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "engine/runtime/torch_compat.h"

namespace logbert {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kBucketBytes = 25 << 20; // DistributedDataParallel's default bucket size

std::string firstLine(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    return line.size() > 300 ? line.substr(0, 300) + "…" : line;
}

} // namespace

struct RankGroup::Impl {
    DistributedEnv env;
    double timeoutSeconds = 0;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    double commSeconds = 0;

    /// Who is gone when a collective fails: in a pair it can only be the other rank.
    std::string peers() const {
        return env.worldSize == 2 ? "rank " + std::to_string(1 - env.rank) : "another rank";
    }

    template <typename Start>
    void run(const std::string& what, Start start) {
        const auto begin = Clock::now();
        try {
            auto work = start();
            work->wait();
        } catch (const std::exception& e) {
            throw DistributedError(env.describe() + ": lost " + peers() + " during " + what + " (no answer within " +
                                   std::to_string(int(timeoutSeconds)) + " s or connection closed: " + firstLine(e.what()) +
                                   ")");
        }
        commSeconds += std::chrono::duration<double>(Clock::now() - begin).count();
    }
};

RankGroup::RankGroup(const DistributedEnv& env, const std::string& backend, double timeoutSeconds)
    : impl_(std::make_unique<Impl>()) {
    impl_->env = env;
    impl_->timeoutSeconds = timeoutSeconds;
    if (backend == "nccl")
        throw InputError("training.distributed.backend", 0,
                         "nccl is not built into this logbert (its LibTorch has no ProcessGroupNCCL); "
                         "use gloo or auto (Gloo also carries CUDA tensors)");
    const auto timeout = std::chrono::milliseconds(std::int64_t(timeoutSeconds * 1000));
    try {
        c10d::TCPStoreOptions options;
        options.port = std::uint16_t(env.masterPort);
        options.isServer = env.rank == 0 && !env.agentStore;
        options.numWorkers = std::size_t(env.worldSize);
        options.waitWorkers = true;
        options.timeout = timeout;
        try {
            impl_->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddress, options);
        } catch (const std::exception& e) {
            if (std::string(e.what()).find("libuv") == std::string::npos || !compat::disableTcpStoreLibuv(options)) throw;
            impl_->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddress, options);
        }
        // As torch.distributed's env:// rendezvous does under torchrun's agent.
        if (env.agentStore)
            impl_->store = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(env.restartAttempt), impl_->store);
        auto groupOptions = c10d::ProcessGroupGloo::Options::create(timeout);
        groupOptions->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank, env.worldSize, groupOptions);
    } catch (const std::exception& e) {
        throw DistributedError(env.describe() + ": could not join the other ranks at " + env.masterAddress + ":" +
                               std::to_string(env.masterPort) + " within " + std::to_string(int(timeoutSeconds)) +
                               " s (training.distributed.timeout_seconds): " + firstLine(e.what()));
    }
}

RankGroup::~RankGroup() = default;

int RankGroup::rank() const { return impl_->env.rank; }
int RankGroup::size() const { return impl_->env.worldSize; }
std::string RankGroup::backendName() const { return "gloo"; }
double RankGroup::communicationSeconds() const { return impl_->commSeconds; }

void RankGroup::allReduceSum(std::vector<torch::Tensor>& tensors, const std::string& what) {
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    impl_->run(what, [&] { return impl_->group->allreduce(tensors, options); });
}

void RankGroup::allReduceGradients(const std::vector<torch::Tensor>& parameters, torch::Tensor& extra) {
    // Parameters without a gradient (unused this step) take part as zeros, so that every rank
    // sends buckets of the same shapes.
    std::vector<torch::Tensor> grads;
    grads.reserve(parameters.size());
    for (const auto& p : parameters) {
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
        grads.push_back(p.grad());
    }
    std::size_t begin = 0;
    while (begin < grads.size()) {
        std::size_t end = begin;
        std::int64_t bytes = 0;
        while (end < grads.size() && (end == begin || bytes + grads[end].nbytes() <= kBucketBytes)) bytes += grads[end++].nbytes();
        const bool last = end == grads.size();
        std::vector<torch::Tensor> flat;
        for (std::size_t i = begin; i < end; ++i) flat.push_back(grads[i].reshape(-1));
        if (last) flat.push_back(extra.to(grads[begin].options()).reshape(-1));
        std::vector<torch::Tensor> bucket{torch::cat(flat)};
        allReduceSum(bucket, "the gradient all-reduce");
        std::int64_t offset = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const std::int64_t n = grads[i].numel();
            grads[i].copy_(bucket[0].slice(0, offset, offset + n).view_as(grads[i]));
            offset += n;
        }
        if (last) extra.copy_(bucket[0].slice(0, offset, offset + extra.numel()).view_as(extra).to(extra.options()));
        begin = end;
    }
}

void RankGroup::broadcast(std::vector<torch::Tensor>& tensors, int root, const std::string& what) {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    for (auto& t : tensors) {
        std::vector<torch::Tensor> one{t};
        impl_->run(what, [&] { return impl_->group->broadcast(one, options); });
    }
}

void RankGroup::barrier(const std::string& what) {
    impl_->run(what, [&] { return impl_->group->barrier(); });
}

} // namespace logbert
#endif // LOGBERT_HAS_GLOO
