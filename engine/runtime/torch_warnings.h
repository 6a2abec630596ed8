// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace logbert {

/// While alive, LibTorch's warnings raised on the calling thread go to `forward` (first line
/// only) instead of standard error, so that a job's log shows them — in the GUI too, where
/// standard error is seen by nobody. The one that matters most: an operator that the MPS backend
/// lacks, run on the CPU ("… will fall back to run on the CPU"), which makes steps slower.
/// LibTorch keeps its handler per thread; the previous one comes back on destruction.
class TorchWarningsToMessages {
public:
    explicit TorchWarningsToMessages(std::function<void(const std::string&)> forward);
    ~TorchWarningsToMessages();
    TorchWarningsToMessages(const TorchWarningsToMessages&) = delete;
    TorchWarningsToMessages& operator=(const TorchWarningsToMessages&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace logbert
