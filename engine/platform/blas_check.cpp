// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/platform/blas_check.h"

#include <cctype>
#include <climits>
#include <cstdlib>

#if defined(__linux__)
#include <dlfcn.h>
#endif

namespace logbert {

BlasInfo detectBlas() {
    BlasInfo info;
#if defined(__linux__)
    // Ask the dynamic linker which loaded object provides dgemm_ (the process links it through
    // LibTorch), then resolve the alternatives symlink to see what it really is.
    void* sym = dlsym(RTLD_DEFAULT, "dgemm_");
    Dl_info dl{};
    if (sym && dladdr(sym, &dl) && dl.dli_fname) {
        char resolved[PATH_MAX];
        info.library = realpath(dl.dli_fname, resolved) ? resolved : dl.dli_fname;
        const std::string& lib = info.library;
        const bool optimized = lib.find("openblas") != std::string::npos || lib.find("mkl") != std::string::npos ||
                               lib.find("blis") != std::string::npos || lib.find("atlas") != std::string::npos;
        info.reference = !optimized && (lib.find("/blas/") != std::string::npos ||
                                        lib.find("libblas.so") != std::string::npos);
    }
    using CoreName = char* (*)();
    if (auto name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename")); name && name()) {
        info.openBlasCore = name();
        info.openBlasCoreNote = openBlasCoreNote(info.openBlasCore, std::getenv(kOpenBlasCoreMarker),
                                                 std::getenv("OPENBLAS_CORETYPE") != nullptr, cpuHasAvx512ForOpenBlas());
    }
#elif defined(__APPLE__)
    info.library = "Accelerate (macOS)";
#endif
    return info;
}

std::string openBlasCoreNote(const std::string& core, const char* fallback, bool coreTypeSet, bool cpuAvx512) {
    if (fallback && coreTypeSet) return std::string("chosen by logbert: OpenBLAS did not know this CPU and fell back to ") + fallback;
    if (!coreTypeSet) return "chosen by OpenBLAS";
    std::string lower;
    for (char c : core) lower += char(std::tolower(static_cast<unsigned char>(c)));
    const bool avx512Kernels = lower == "skylakex" || lower == "cooperlake" || lower == "sapphirerapids";
    if (!cpuAvx512 || avx512Kernels) return "from OPENBLAS_CORETYPE";
    return "from OPENBLAS_CORETYPE; this CPU has AVX-512, whose faster kernels OpenBLAS picks itself: unset "
           "OPENBLAS_CORETYPE to compare";
}

std::string blasWarning() {
    BlasInfo info = detectBlas();
    if (!info.reference) return {};
    return "warning: the reference BLAS is loaded (" + info.library +
           "); training runs about 25x slower. Install OpenBLAS: apt-get install libopenblas0-openmp";
}

} // namespace logbert
