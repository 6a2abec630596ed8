// SPDX-License-Identifier: GPL-3.0-or-later
#include <torch/torch.h>

#include "engine/runtime/torch_runtime.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "engine/core/errors.h"
#include "engine/platform/blas_check.h"

namespace logbert {

TorchRuntimeInfo torchRuntimeInfo(bool measure) {
    TorchRuntimeInfo info;
    info.version = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) +
                   "." + std::to_string(TORCH_VERSION_PATCH);
    info.threads = at::get_num_threads();
    info.cores = int(std::thread::hardware_concurrency());
    info.cuda = torch::cuda::is_available();
    info.cudaDevices = info.cuda ? int(torch::cuda::device_count()) : 0;
    info.mps = at::hasMPS();
    BlasInfo blas = detectBlas();
    info.blasLibrary = blas.library;
    info.referenceBlas = blas.reference;
    if (measure) info.matmulGflops = measureMatmulGflops(0, 3);
    return info;
}

double measureMatmulGflops(int threads, int windows) {
    if (threads > 0) at::set_num_threads(threads);
    torch::NoGradGuard noGrad;
    double best = 0;
    for (const MatmulShape& shape : kCeilingShapes) {
        auto a = torch::randn({shape.m, shape.k});
        auto b = torch::randn({shape.k, shape.n});
        auto c = torch::mm(a, b);
        for (int i = 0; i < 3; ++i) c = torch::mm(a, b); // warm-up: caches, thread start
        const double flops = 2.0 * double(shape.m) * double(shape.k) * double(shape.n);
        for (int w = 0; w < std::max(1, windows); ++w) {
            // A product takes 0.3-2 ms at 30-200 GFLOP/s: time enough of them for a stable figure.
            int reps = 0;
            const auto t0 = std::chrono::steady_clock::now();
            double s = 0;
            do {
                for (int i = 0; i < 10; ++i) c = torch::mm(a, b);
                reps += 10;
                s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            } while (s < 0.1);
            best = std::max(best, flops * reps / s / 1e9);
        }
    }
    return best;
}

bool mpsAvailable() { return at::hasMPS(); }

std::string resolveDevice(const std::string& setting) {
    if (setting == "cpu") return "cpu";
    if (setting == "cuda") {
        if (!torch::cuda::is_available())
            throw InputError("training.device", 0, "cuda was asked for, but this LibTorch build has no CUDA or no GPU is visible");
        return "cuda";
    }
    if (setting == "mps") {
        if (!at::hasMPS()) throw InputError("training.device", 0, "mps was asked for, but this LibTorch build has no MPS");
        return "mps";
    }
    if (torch::cuda::is_available()) return "cuda";
    if (at::hasMPS()) return "mps";
    return "cpu";
}

} // namespace logbert
