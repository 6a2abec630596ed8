// SPDX-License-Identifier: GPL-3.0-or-later
// A stand-in for NVIDIA's libnvidia-ml.so.1, built as that name for test_gpu_memory_fake_nvml:
// two GPUs; on the first this process holds 100 MiB among 19 other processes (more than the
// probe's first array holds, so it must ask again), on the second 28 MiB.
#include <unistd.h>

#include <cstring>

namespace {
struct Info {
    unsigned int pid;
    unsigned long long usedGpuMemory;
};
int devices[2];
bool initialised = false;
} // namespace

extern "C" {
int nvmlInit_v2() { return initialised = true, 0; }
int nvmlShutdown() { return initialised = false, 0; }
int nvmlDeviceGetCount_v2(unsigned int* count) { return *count = 2, initialised ? 0 : 1; }
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, int** device) {
    if (!initialised || index >= 2) return 2;
    *device = &devices[index];
    return 0;
}
int nvmlDeviceGetComputeRunningProcesses(int* device, unsigned int* count, Info* infos) {
    const unsigned int self = unsigned(getpid());
    const unsigned int n = device == &devices[0] ? 20 : 1;
    if (*count < n) {
        *count = n;
        return 7; // NVML_ERROR_INSUFFICIENT_SIZE
    }
    for (unsigned int i = 0; i < n; ++i) infos[i] = Info{self + 1 + i, 1ull << 30};
    infos[n - 1] = Info{self, (device == &devices[0] ? 100ull : 28ull) << 20};
    *count = n;
    return 0;
}
}
