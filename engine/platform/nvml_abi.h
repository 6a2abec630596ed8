// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The part of NVIDIA's nvml.h that GpuMemoryProbe calls (a stable C ABI since the first NVML),
// declared here because the workbench loads libnvidia-ml at run time instead of linking it. Kept
// at global scope with C names so that a stand-in library (tests/fake_nvml.cpp) has exactly
// these types.
extern "C" {
struct nvmlDevice_st;
typedef struct nvmlDevice_st* nvmlDevice_t;
/// What the unversioned nvmlDeviceGetComputeRunningProcesses fills.
struct nvmlProcessInfo_v1_t {
    unsigned int pid;
    unsigned long long usedGpuMemory;
};
typedef int (*nvmlInit_v2_fn)();
typedef int (*nvmlShutdown_fn)();
typedef int (*nvmlDeviceGetCount_v2_fn)(unsigned int* count);
typedef int (*nvmlDeviceGetHandleByIndex_v2_fn)(unsigned int index, nvmlDevice_t* device);
typedef int (*nvmlDeviceGetComputeRunningProcesses_fn)(nvmlDevice_t device, unsigned int* count,
                                                       nvmlProcessInfo_v1_t* infos);
typedef int (*nvmlDeviceGetCudaComputeCapability_fn)(nvmlDevice_t device, int* major, int* minor);
}

/// NVML results: 0 is success; NVML_ERROR_INSUFFICIENT_SIZE asks for a larger array.
inline constexpr int kNvmlSuccess = 0, kNvmlInsufficientSize = 7;
