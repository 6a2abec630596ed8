// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine: includes LibTorch (see logbert_model.h).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/training/distributed_env.h"

namespace logbert {

/// A collective that failed: a rank died, hung past the timeout, or the rendezvous never
/// completed. The message says which step of the protocol and, where it can be known, which rank.
class DistributedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The ranks of one training job, joined through torch.distributed's c10d: a TCPStore served by
/// rank 0 for the rendezvous and a Gloo process group for the collectives (Gloo carries CPU and
/// CUDA tensors). Every call is collective: each rank makes the same calls in the same order.
class RankGroup {
public:
    /// Joins the group (blocks until every rank has joined or the timeout passes).
    /// `backend`: auto | gloo | nccl (training.distributed.backend).
    RankGroup(const DistributedEnv& env, const std::string& backend, double timeoutSeconds);
    ~RankGroup();
    RankGroup(const RankGroup&) = delete;
    RankGroup& operator=(const RankGroup&) = delete;

    int rank() const;
    int size() const;
    std::string backendName() const;

    /// Sums each tensor over the ranks, in place. `what` names the collective in errors.
    void allReduceSum(std::vector<torch::Tensor>& tensors, const std::string& what);
    /// Sums the gradients of `parameters` over the ranks in buckets of about 25 MB (one
    /// collective per bucket, not per parameter), together with `extra` (a small float tensor
    /// riding in the last bucket).
    void allReduceGradients(const std::vector<torch::Tensor>& parameters, torch::Tensor& extra);
    /// Copies rank `root`'s tensors to every rank, in place.
    void broadcast(std::vector<torch::Tensor>& tensors, int root, const std::string& what);
    /// Waits until every rank gets here.
    void barrier(const std::string& what);

    /// Seconds spent inside collectives so far (for the bench's all-reduce share).
    double communicationSeconds() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace logbert
