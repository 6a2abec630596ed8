// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/platform/blas_check.h"

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
        const char* fallback = std::getenv(kOpenBlasCoreMarker);
        if (fallback && std::getenv("OPENBLAS_CORETYPE"))
            info.openBlasCoreNote = std::string("chosen by logbert: OpenBLAS did not know this CPU and fell back to ") + fallback;
        else if (std::getenv("OPENBLAS_CORETYPE"))
            info.openBlasCoreNote = "from OPENBLAS_CORETYPE";
        else
            info.openBlasCoreNote = "chosen by OpenBLAS";
    }
#elif defined(__APPLE__)
    info.library = "Accelerate (macOS)";
#endif
    return info;
}

std::string blasWarning() {
    BlasInfo info = detectBlas();
    if (!info.reference) return {};
    return "warning: the reference BLAS is loaded (" + info.library +
           "); training runs about 25x slower. Install OpenBLAS: apt-get install libopenblas0-openmp";
}

} // namespace logbert
