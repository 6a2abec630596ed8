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

/// True on an x86-64 CPU (and OS) with the AVX-512 subsets OpenBLAS's SkylakeX kernels need.
inline bool cpuHasAvx512ForOpenBlas() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd");
#else
    return false;
#endif
}

/// Who chose OpenBLAS's kernels `core`, as `logbert info` prints it. `fallback`: what OpenBLAS
/// had chosen when logbert restarted it (kOpenBlasCoreMarker), else null; `coreTypeSet`:
/// OPENBLAS_CORETYPE is in the environment. A user's OPENBLAS_CORETYPE wins, but when it holds
/// AVX2 kernels back on an AVX-512 CPU the note says so: on one such machine (Zen 5, a sandbox
/// that sets OPENBLAS_CORETYPE=Haswell) training ran 1.5x faster without it (README).
std::string openBlasCoreNote(const std::string& core, const char* fallback, bool coreTypeSet, bool cpuAvx512);

BlasInfo detectBlas();

/// One-line warning for the user when the reference BLAS is loaded; "" otherwise.
std::string blasWarning();

} // namespace logbert
