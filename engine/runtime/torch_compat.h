// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to the engine (includes LibTorch): the one place where the LibTorch versions this
// project builds against differ in their C++ API — 1.13 (Debian 12) and 2.x (Debian 13's 2.6,
// Homebrew's pytorch, pip wheels). Every other file calls these and carries no version test.
#pragma once

#include <torch/torch.h>
#include <ATen/autocast_mode.h>
#include <ATen/detail/CUDAHooksInterface.h>

#include <functional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#define LOGBERT_TORCH_AT_LEAST(major, minor) \
    (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace logbert::compat {

namespace detail {
// 1.13 keys an optimizer's state by the text of the parameter's TensorImpl address, 2.x by the
// address itself.
template <typename Map>
auto optimizerStateKey(const Map&, const torch::Tensor& parameter) {
    using Key = typename Map::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream text; // what 1.13's c10::guts::to_string(pointer) writes
        text << static_cast<const void*>(parameter.unsafeGetTensorImpl());
        return Key(text.str());
    }
    else
        return Key(parameter.unsafeGetTensorImpl());
}
} // namespace detail

/// An optimizer's state of one parameter, or null before its first step. (Never inserts: an
/// empty entry would make the optimizer's next step dereference it.)
inline torch::optim::OptimizerParamState* findOptimizerState(torch::optim::Optimizer& optimizer,
                                                             const torch::Tensor& parameter) {
    auto& state = optimizer.state();
    const auto it = state.find(detail::optimizerStateKey(state, parameter));
    return it == state.end() ? nullptr : it->second.get();
}

/// Sets (or, given null, removes) the state of one parameter.
inline void setOptimizerState(torch::optim::Optimizer& optimizer, const torch::Tensor& parameter,
                              std::unique_ptr<torch::optim::OptimizerParamState> value) {
    auto& state = optimizer.state();
    const auto key = detail::optimizerStateKey(state, parameter);
    if (value)
        state[key] = std::move(value);
    else
        state.erase(key);
}

namespace detail {
// CUDAHooksInterface::getDefaultCUDAGenerator (1.13) became getDefaultGenerator (2.x).
template <typename Hooks>
auto defaultCudaGenerator(const Hooks& hooks, c10::DeviceIndex index, int) -> decltype(hooks.getDefaultCUDAGenerator(index)) {
    return hooks.getDefaultCUDAGenerator(index);
}
template <typename Hooks>
auto defaultCudaGenerator(const Hooks& hooks, c10::DeviceIndex index, long) -> decltype(hooks.getDefaultGenerator(index)) {
    return hooks.getDefaultGenerator(index);
}
} // namespace detail

/// The default CUDA generator of device `index` (a handle sharing its state). Throws when this
/// LibTorch has no CUDA.
inline at::Generator cudaGenerator(c10::DeviceIndex index) {
    return detail::defaultCudaGenerator(at::detail::getCUDAHooks(), index, 0);
}

/// Autocast on CUDA: 2.4 made the calls take the device type and deprecated the CUDA-only ones.
inline void setCudaAutocastDtype(at::ScalarType dtype) {
#if LOGBERT_TORCH_AT_LEAST(2, 4)
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}
inline void setCudaAutocastEnabled(bool enabled) {
#if LOGBERT_TORCH_AT_LEAST(2, 4)
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_enabled(enabled);
#endif
}
inline bool cudaAutocastEnabled() {
#if LOGBERT_TORCH_AT_LEAST(2, 4)
    return at::autocast::is_autocast_enabled(at::kCUDA);
#else
    return at::autocast::is_enabled();
#endif
}

namespace detail {
template <typename Options>
auto setTcpStoreLibuv(Options& options, bool on, int) -> decltype(options.useLibUV = on, true) {
    options.useLibUV = on;
    return true;
}
template <typename Options>
bool setTcpStoreLibuv(Options&, bool, long) { return false; }
} // namespace detail

/// c10d's TCPStore asks for its libuv server by default from 2.4 on, which LibTorch builds
/// without libuv (Debian 13's 2.6) refuse ("use_libuv was requested but PyTorch was build
/// without libuv support"). Turns it off; false when this LibTorch has no such option (1.13).
template <typename TcpStoreOptions>
bool disableTcpStoreLibuv(TcpStoreOptions& options) {
    return detail::setTcpStoreLibuv(options, false, 0);
}

/// A LibTorch warning handler that hands each warning's text to `forward`. The handler's
/// signature changed: 1.13 passes (location, text, verbatim), 2.x one c10::Warning.
class ForwardingWarningHandler : public c10::WarningHandler {
public:
    explicit ForwardingWarningHandler(std::function<void(const std::string&)> forward) : forward_(std::move(forward)) {}
#if LOGBERT_TORCH_AT_LEAST(2, 0)
    void process(const c10::Warning& warning) override { forward_(warning.msg()); }
#else
    void process(const c10::SourceLocation&, const std::string& text, const bool) override { forward_(text); }
#endif

private:
    std::function<void(const std::string&)> forward_;
};

/// Installs a warning handler for the calling thread until destroyed (c10::Warning::WarningHandlerGuard
/// in 1.13, c10::WarningUtils::WarningHandlerGuard in 2.x).
#if LOGBERT_TORCH_AT_LEAST(2, 0)
using WarningHandlerGuard = c10::WarningUtils::WarningHandlerGuard;
#else
using WarningHandlerGuard = c10::Warning::WarningHandlerGuard;
#endif

} // namespace logbert::compat
