// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace logbert {

/// What the LibTorch this program was built with can do here. Torch stays out of this header
/// so that Qt code can include it.
struct TorchRuntimeInfo {
    std::string version;
    int threads = 0;             ///< intra-op threads ATen uses now
    int cores = 0;               ///< hardware threads
    bool cuda = false;
    int cudaDevices = 0;
    bool mps = false;
    std::string blasLibrary;
    bool referenceBlas = false;
    double matmulGflops = 0;     ///< measureMatmulGflops(0, 3): the fastest float matrix product
};

/// Queries LibTorch; `measure` also times a small matrix product.
TorchRuntimeInfo torchRuntimeInfo(bool measure);

/// A float matrix product m x k by k x n.
struct MatmulShape {
    std::int64_t m, k, n;
};
/// The products the ceiling is the best of: rows of a step (32 sessions of ~16-20 tokens), hidden
/// 256 and FFN 1024 (the test preset's layers), and the 256x512x512 product of earlier versions.
/// BLAS speed depends on the shape: with OpenBLAS's Haswell kernels on a Zen 5 CPU the 256x512x512
/// product ran at 55-65 GFLOP/s and 512x256x256 at 92-104, so a ceiling of one shape gave MFU
/// above 100%.
inline constexpr MatmulShape kCeilingShapes[] = {{256, 512, 512}, {512, 256, 256}, {512, 256, 1024}, {512, 1024, 256}};

/// GFLOP/s of the fastest of kCeilingShapes on the CPU at `threads` (0: the calling thread's
/// count): the ceiling that model FLOP utilisation is measured against. The best of `windows`
/// timings of ~0.1 s per shape: one window on a shared machine can land on another program's
/// burst and make the ceiling look lower than the model's own speed.
double measureMatmulGflops(int threads = 0, int windows = 1);

/// Whether LibTorch can use Apple's MPS device here.
bool mpsAvailable();

/// Set (to 1) in the environment when the program turned LibTorch's CPU fallback for operators
/// that MPS lacks on (PYTORCH_ENABLE_MPS_FALLBACK; startup_defaults.cpp, macOS only).
inline constexpr const char* kMpsFallbackMarker = "LOGBERT_MPS_FALLBACK";

/// Resolves a device setting (auto | cpu | cuda | mps) to what will be used; throws InputError
/// when a device is asked for that this build or machine lacks.
std::string resolveDevice(const std::string& setting);

} // namespace logbert
