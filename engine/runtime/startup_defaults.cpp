// SPDX-License-Identifier: GPL-3.0-or-later
// Linked into each executable (not the engine library): settings that the OpenMP and BLAS
// libraries read once, when they are loaded, so they must be in place before that.
//
// 1. The OpenMP wait policy of openmp_defaults.h, before libgomp reads its environment in its
// constructor. Why this way: `.preinit_array` runs before any shared library's constructor, but there glibc
// has not set `environ` yet: libc's own constructor sets it to the process's initial array after
// us, so a setenv() here is lost. What survives is that initial array itself. So for the time of
// the libraries' constructors one entry of it is lent to GOMP_SPINCOUNT (the shell's `_`, the
// path of the last command, when there is one; otherwise the last entry), and this executable's
// own constructor, which runs after every library's, puts the lent variable back. Re-executing the
// program with the variable set would be simpler but costs a second LibTorch load (~0.5 s).
//
// 2. OpenBLAS's kernels (blas_check.h): OpenBLAS picks them by CPU model in its constructor and
// falls back to its slowest x86-64 kernels ("Prescott", SSE3) for a model it does not know. That
// cannot be told before it has run, so when it happened on a CPU with AVX2 or AVX-512, the
// program starts itself again at once with OPENBLAS_CORETYPE set (a second load, ~0.5 s, against
// training 3x faster: README "Training speed"). A user's OPENBLAS_CORETYPE always wins.
//
// 3. macOS: LibTorch decides while it loads (PYTORCH_ENABLE_MPS_FALLBACK, read once as its MPS
// kernels register) whether an operator its MPS backend lacks fails or runs on the CPU. Failing
// a run half-way is worse than a slower step, so on a Mac where MPS is there the program starts
// itself again at once with the fallback on (macOS has no .preinit_array to set it earlier).
// LibTorch then warns once per such operator, which jobs pass on to their log
// (torch_warnings.h). A user's PYTORCH_ENABLE_MPS_FALLBACK always wins; with it at 0 the failure
// is one line naming the operator (failure_message.h). Compiled here only by
// scripts/check-apple-branch.sh; never run on a Mac.
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <strings.h>
#include <unistd.h>

#if defined(__linux__)
#include <dlfcn.h>
#endif
#if defined(__APPLE__)
#include <mach-o/dyld.h>

#include "engine/runtime/torch_runtime.h"
#endif

#include "engine/platform/blas_check.h"
#include "engine/runtime/openmp_defaults.h"

#if defined(__linux__) && defined(__GLIBC__)
namespace {

char g_spinCount[] = "GOMP_SPINCOUNT=00000000000000000000";
char* g_lent = nullptr; ///< the initial environment's entry whose slot GOMP_SPINCOUNT borrowed

bool startsWith(const char* s, const char* prefix) { return std::strncmp(s, prefix, std::strlen(prefix)) == 0; }

void lendSlotToSpinCount(int, char**, char** envp) {
    if (!envp || !envp[0]) return; // an empty environment: the runtime's default stays
    int slot = -1, n = 0;
    for (; envp[n]; ++n) {
        if (startsWith(envp[n], "OMP_WAIT_POLICY=") || startsWith(envp[n], "GOMP_SPINCOUNT=")) return; // the user's
        if (startsWith(envp[n], "_=")) slot = n;
    }
    if (slot < 0) slot = n - 1;
    std::strcpy(g_spinCount + std::strlen("GOMP_SPINCOUNT="), logbert::kOpenMpSpinCount);
    g_lent = envp[slot];
    envp[slot] = g_spinCount;
}

__attribute__((section(".preinit_array"), used)) void (*const kLendSlot)(int, char**, char**) = &lendSlotToSpinCount;

void returnLentSlot() {
    if (!g_lent) return;
    putenv(g_lent); // the original string, still on the initial stack
    setenv(logbert::kOpenMpDefaultsMarker, "GOMP_SPINCOUNT", 1);
    g_lent = nullptr;
}

#if defined(__x86_64__) || defined(__i386__)
/// What OpenBLAS chose, when the process uses OpenBLAS ("" otherwise).
const char* openBlasCore() {
    using CoreName = char* (*)();
    auto name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* core = name ? name() : nullptr;
    return core ? core : "";
}

void restartWithBetterBlasKernels(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") || strcasecmp(openBlasCore(), "Prescott") != 0) return;
    __builtin_cpu_init();
    const char* core = logbert::openBlasCoreForCpu(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"),
                                                   logbert::cpuHasAvx512ForOpenBlas());
    if (!*core) return;
    setenv("OPENBLAS_CORETYPE", core, 1);
    setenv(logbert::kOpenBlasCoreMarker, "Prescott", 1);
    execv("/proc/self/exe", argv); // returns only when it failed: go on with the slow kernels
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv(logbert::kOpenBlasCoreMarker);
}

#else
void restartWithBetterBlasKernels(char**) {}
#endif

/// After every library's constructor, before main().
void afterLibrariesStarted(int, char** argv, char**) {
    returnLentSlot();
    restartWithBetterBlasKernels(argv);
}

// An explicit entry, like the one above: clang 14 silently drops __attribute__((constructor))
// on a function with internal linkage here.
__attribute__((section(".init_array"), used)) void (*const kAfterLibraries)(int, char**, char**) = &afterLibrariesStarted;

} // namespace
#endif

#if defined(__APPLE__)
namespace {

void restartWithMpsFallback(char** argv) {
    if (std::getenv("PYTORCH_ENABLE_MPS_FALLBACK") || !logbert::mpsAvailable()) return;
    char path[PATH_MAX] = {};
    std::uint32_t size = sizeof path;
    if (_NSGetExecutablePath(path, &size) != 0) return;
    setenv("PYTORCH_ENABLE_MPS_FALLBACK", "1", 1);
    setenv(logbert::kMpsFallbackMarker, "1", 1);
    execv(path, argv); // returns only when it failed: go on, an operator MPS lacks then fails
    unsetenv("PYTORCH_ENABLE_MPS_FALLBACK");
    unsetenv(logbert::kMpsFallbackMarker);
}

} // namespace

// dyld runs the executable's initializers after those of every library it links (LibTorch's
// included) and passes them argc, argv and envp.
__attribute__((constructor, used)) void logbertAfterLibrariesStarted(int, char** argv, char**) {
    restartWithMpsFallback(argv);
}
#endif
