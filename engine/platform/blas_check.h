// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

/// Which BLAS library the process loaded (LibTorch on Debian links libblas.so.3, which is the
/// reference BLAS unless an optimized one such as OpenBLAS is installed).
struct BlasInfo {
    std::string library;   ///< resolved path of the library that provides dgemm_, or ""
    bool reference = false; ///< true when it is the slow reference implementation
    std::string openBlasCore; ///< OpenBLAS's kernel family ("SkylakeX", "Haswell", ...), or ""
    std::string openBlasCoreNote; ///< who chose it: OpenBLAS, OPENBLAS_CORETYPE, or logbert (why)
};

/// OpenBLAS 0.3.21 (Debian 12) picks its kernels by CPU model and falls back to its slowest
/// x86-64 ones ("Prescott", SSE3) on a model it does not know (for instance Emerald Rapids, model
/// 207): 30 GFLOP/s instead of 120 on one core here. The kernels to ask for instead, through
/// OPENBLAS_CORETYPE, from what the CPU (and the OS) support: "SkylakeX" with AVX-512 F, BW, DQ,
/// VL and CD, "Haswell" with AVX2 and FMA, else "" (keep Prescott). Executables apply it at start
/// (engine/runtime/startup_defaults.cpp).
inline const char* openBlasCoreForCpu(bool avx2AndFma, bool avx512) {
    if (avx512) return "SkylakeX";
    if (avx2AndFma) return "Haswell";
    return "";
}
/// Set in the environment (to the kernels OpenBLAS had chosen) when the program chose them.
inline constexpr const char* kOpenBlasCoreMarker = "LOGBERT_OPENBLAS_FALLBACK";

BlasInfo detectBlas();

/// One-line warning for the user when the reference BLAS is loaded; "" otherwise.
std::string blasWarning();

} // namespace logbert
