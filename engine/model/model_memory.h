// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "engine/config/run_config.h"

namespace logbert {

/// LogBERT's parameter count from its shapes (test_model_memory compares it with the built
/// model): token embedding V d, per layer QKV + output projection 4 d² + 4 d, feed-forward 2 d f
/// + f + d, two layer norms 4 d; the final norm 2 d; the MLKP head d V + V.
std::int64_t modelParameterCount(const ModelConfig& model, std::int64_t vocabularySize);

/// Memory a model needs, in bytes (float32). Training keeps weights, gradients and AdamW's two
/// moments (16 bytes a parameter) plus what one batch's backward pass keeps per layer: about
/// 12 d + 2 f values per token and 3 attention maps of n² per head. Scoring keeps the weights
/// and one batch's forward pass.
struct ModelMemory {
    std::int64_t parameters = 0;
    double stateBytes = 0;
    double activationBytes = 0;
    double total() const { return stateBytes + activationBytes; }
};
ModelMemory trainingMemory(const ModelConfig& model, std::int64_t vocabularySize, std::int64_t batch,
                           std::int64_t tokensPerSequence);
ModelMemory scoringMemory(const ModelConfig& model, std::int64_t vocabularySize, std::int64_t batch,
                          std::int64_t tokensPerSequence);

/// The memory this process can have: physical memory, lowered by a cgroup limit (containers)
/// and by RLIMIT_AS (`ulimit -v`). `what` names the binding one.
std::uint64_t usableMemoryBytes(std::string* what = nullptr);

/// InputError naming `key` when `need` is more than 90% of usable memory: the estimate, what
/// it is made of and the way out (a smaller model or batch, or training.memory_check: off).
void checkModelFitsMemory(const ModelMemory& need, const std::string& purpose, const std::string& key);

} // namespace logbert
