// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/runtime/torch_compat.h"

#include "engine/runtime/torch_warnings.h"

namespace logbert {

struct TorchWarningsToMessages::Impl {
    explicit Impl(std::function<void(const std::string&)> forward)
        : handler([forward = std::move(forward)](const std::string& text) { forward(text.substr(0, text.find('\n'))); }),
          guard(&handler) {}
    compat::ForwardingWarningHandler handler;
    compat::WarningHandlerGuard guard;
};

TorchWarningsToMessages::TorchWarningsToMessages(std::function<void(const std::string&)> forward)
    : impl_(std::make_unique<Impl>(std::move(forward))) {}

TorchWarningsToMessages::~TorchWarningsToMessages() = default;

} // namespace logbert
