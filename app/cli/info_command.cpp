// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdio>

#include "app/cli/commands.h"
#include "engine/config/presets.h"
#include "engine/core/errors.h"
#include "engine/platform/blas_check.h"
#include "engine/runtime/openmp_defaults.h"
#include "engine/runtime/thread_policy.h"
#include "engine/runtime/torch_runtime.h"

namespace logbert::cli {

int infoCommand(const std::vector<std::string>& args) {
    if (!args.empty()) throw InputError("info", 0, "takes no arguments");
    TorchRuntimeInfo info = torchRuntimeInfo(true);
    std::printf("LibTorch %s\n", info.version.c_str());
    const ThreadChoice automatic = ThreadPolicy(0).choose(0.5);
    std::printf("threads: auto would use %d now (%s); %d hardware threads\n", automatic.threads,
                automatic.reason.c_str(), info.cores);
    std::printf("OpenMP wait policy: %s\n", openMpWaitPolicyNote().c_str());
    std::printf("devices: cpu%s%s (auto picks %s)\n", info.cuda ? ", cuda" : "", info.mps ? ", mps" : "",
                resolveDevice("auto").c_str());
    std::printf("BLAS: %s%s\n", info.blasLibrary.empty() ? "(not found)" : info.blasLibrary.c_str(),
                info.referenceBlas ? "  <- the slow reference BLAS: apt-get install libopenblas0-openmp" : "");
    const BlasInfo blas = detectBlas();
    if (!blas.openBlasCore.empty())
        std::printf("OpenBLAS kernels: %s (%s)\n", blas.openBlasCore.c_str(), blas.openBlasCoreNote.c_str());
    std::printf("matmul float, fastest of 4 shapes (best of 3): %.1f GFLOP/s\n", info.matmulGflops);
    std::printf("presets:");
    for (const auto& n : presetNames()) std::printf(" %s", n.c_str());
    std::printf("\n");
    return 0;
}

} // namespace logbert::cli
