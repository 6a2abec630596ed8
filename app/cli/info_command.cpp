// SPDX-License-Identifier: GPL-3.0-or-later
#include <cstdio>

#include "app/cli/commands.h"
#include "engine/config/presets.h"
#include "engine/core/errors.h"
#include "engine/runtime/torch_runtime.h"

namespace logbert::cli {

int infoCommand(const std::vector<std::string>& args) {
    if (!args.empty()) throw InputError("info", 0, "takes no arguments");
    TorchRuntimeInfo info = torchRuntimeInfo(true);
    std::printf("LibTorch %s\n", info.version.c_str());
    std::printf("threads %d of %d hardware threads\n", info.threads, info.cores);
    std::printf("devices: cpu%s%s (auto picks %s)\n", info.cuda ? ", cuda" : "", info.mps ? ", mps" : "",
                resolveDevice("auto").c_str());
    std::printf("BLAS: %s%s\n", info.blasLibrary.empty() ? "(not found)" : info.blasLibrary.c_str(),
                info.referenceBlas ? "  <- the slow reference BLAS: apt-get install libopenblas0-openmp" : "");
    std::printf("matmul 256x512x512 float: %.1f GFLOP/s\n", info.matmulGflops);
    std::printf("presets:");
    for (const auto& n : presetNames()) std::printf(" %s", n.c_str());
    std::printf("\n");
    return 0;
}

} // namespace logbert::cli
