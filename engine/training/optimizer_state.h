// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine (includes LibTorch): AdamW's state inside checkpoint.pt in a layout of
// the project's own. LibTorch's optimizer archive keys the state by memory address in a way that
// changed between 1.13 and 2.x, and keeps every tensor on the device it trained on, so a
// checkpoint written by one LibTorch, or on a GPU, would not resume under another or on the CPU.
#pragma once

#include <torch/torch.h>

#include <string>

namespace logbert {

/// Step count and both moment buffers of every parameter, in the model's parameter order, on the
/// CPU. Parameters without state yet (before the first step) are written as step 0.
void writeAdamWState(torch::serialize::OutputArchive& archive, torch::optim::AdamW& optimizer);

/// Reads what writeAdamWState wrote onto each parameter's own device. Checks the parameter count,
/// every shape and dtype first and throws InputError naming `path` before changing anything.
void readAdamWState(torch::serialize::InputArchive& archive, torch::optim::AdamW& optimizer, const std::string& path);

/// After LibTorch's own optimizer load (checkpoints of earlier versions): moves every state
/// tensor to the device of its parameter, which LibTorch's C++ load does not do.
void moveOptimizerStateToParameters(torch::optim::AdamW& optimizer);

} // namespace logbert
