// SPDX-License-Identifier: GPL-3.0-or-later
// A stand-in for NVIDIA's libnvidia-ml.so.1, built as that name for test_gpu_memory_fake_nvml:
// two GPUs; on the first this process holds 100 MiB among 19 other processes (more than the
// probe's first array holds, so it must ask again), on the second 28 MiB. The first is of compute
// capability 8.0 (Ampere), the second 7.5 (Turing).
#include <unistd.h>

#include "engine/platform/nvml_abi.h"

struct nvmlDevice_st {
    int index;
};

namespace {
nvmlDevice_st devices[2] = {{0}, {1}};
bool initialised = false;
} // namespace

extern "C" {
int nvmlInit_v2() { return initialised = true, kNvmlSuccess; }
int nvmlShutdown() { return initialised = false, kNvmlSuccess; }
int nvmlDeviceGetCount_v2(unsigned int* count) {
    *count = 2;
    return initialised ? kNvmlSuccess : 1;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
    if (!initialised || index >= 2) return 2;
    *device = &devices[index];
    return kNvmlSuccess;
}
int nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int* count, nvmlProcessInfo_v1_t* infos) {
    const unsigned int self = unsigned(getpid());
    const unsigned int n = device->index == 0 ? 20 : 1;
    if (*count < n) {
        *count = n;
        return kNvmlInsufficientSize;
    }
    for (unsigned int i = 0; i < n; ++i) infos[i] = nvmlProcessInfo_v1_t{self + 1 + i, 1ull << 30};
    infos[n - 1] = nvmlProcessInfo_v1_t{self, (device->index == 0 ? 100ull : 28ull) << 20};
    *count = n;
    return kNvmlSuccess;
}
int nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int* major, int* minor) {
    if (!initialised) return 1;
    *major = device->index == 0 ? 8 : 7;
    *minor = device->index == 0 ? 0 : 5;
    return kNvmlSuccess;
}
}
