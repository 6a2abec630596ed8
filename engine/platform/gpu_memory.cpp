// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/platform/gpu_memory.h"

#include <algorithm>
#include <vector>

#if defined(__linux__)
#include <dlfcn.h>
#include <unistd.h>

#include "engine/platform/nvml_abi.h"
#endif

namespace logbert {

#if defined(__linux__)
struct GpuMemoryProbe::Nvml {
    void* library = nullptr;
    nvmlShutdown_fn shutdown = nullptr;
    nvmlDeviceGetCount_v2_fn deviceCount = nullptr;
    nvmlDeviceGetHandleByIndex_v2_fn deviceByIndex = nullptr;
    nvmlDeviceGetComputeRunningProcesses_fn processes = nullptr;
    nvmlDeviceGetCudaComputeCapability_fn capability = nullptr; // optional
    unsigned int devices = 0;
};

GpuMemoryProbe::GpuMemoryProbe() {
    void* library = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        reason_ = "no NVIDIA driver (libnvidia-ml.so.1 not found)";
        return;
    }
    auto nvml = std::make_unique<Nvml>();
    nvml->library = library;
    auto init = reinterpret_cast<nvmlInit_v2_fn>(dlsym(library, "nvmlInit_v2"));
    nvml->shutdown = reinterpret_cast<nvmlShutdown_fn>(dlsym(library, "nvmlShutdown"));
    nvml->deviceCount = reinterpret_cast<nvmlDeviceGetCount_v2_fn>(dlsym(library, "nvmlDeviceGetCount_v2"));
    nvml->deviceByIndex = reinterpret_cast<nvmlDeviceGetHandleByIndex_v2_fn>(dlsym(library, "nvmlDeviceGetHandleByIndex_v2"));
    nvml->processes = reinterpret_cast<nvmlDeviceGetComputeRunningProcesses_fn>(
        dlsym(library, "nvmlDeviceGetComputeRunningProcesses"));
    nvml->capability = reinterpret_cast<nvmlDeviceGetCudaComputeCapability_fn>(dlsym(library, "nvmlDeviceGetCudaComputeCapability"));
    if (!init || !nvml->shutdown || !nvml->deviceCount || !nvml->deviceByIndex || !nvml->processes) {
        reason_ = "libnvidia-ml.so.1 lacks the functions used";
        dlclose(library);
        return;
    }
    if (init() != kNvmlSuccess) {
        reason_ = "NVML did not initialise (driver not loaded?)";
        dlclose(library);
        return;
    }
    if (nvml->deviceCount(&nvml->devices) != kNvmlSuccess || nvml->devices == 0) {
        reason_ = "NVML sees no GPU";
        nvml->shutdown();
        dlclose(library);
        return;
    }
    nvml_ = std::move(nvml);
}

GpuMemoryProbe::~GpuMemoryProbe() {
    if (!nvml_) return;
    nvml_->shutdown();
    dlclose(nvml_->library);
}

bool GpuMemoryProbe::available() const { return nvml_ != nullptr; }

std::int64_t GpuMemoryProbe::processBytes() const {
    if (!nvml_) return -1;
    const unsigned int self = unsigned(getpid());
    std::int64_t total = 0;
    for (unsigned int d = 0; d < nvml_->devices; ++d) {
        nvmlDevice_t device = nullptr;
        if (nvml_->deviceByIndex(d, &device) != kNvmlSuccess) continue;
        std::vector<nvmlProcessInfo_v1_t> infos(16);
        unsigned int count = unsigned(infos.size());
        int rc = nvml_->processes(device, &count, infos.data());
        if (rc == kNvmlInsufficientSize) {
            infos.resize(count + 8);
            count = unsigned(infos.size());
            rc = nvml_->processes(device, &count, infos.data());
        }
        if (rc != kNvmlSuccess) continue;
        for (unsigned int i = 0; i < count && i < infos.size(); ++i)
            if (infos[i].pid == self) total += std::int64_t(infos[i].usedGpuMemory);
    }
    return total;
}

int GpuMemoryProbe::minComputeCapabilityMajor() const {
    if (!nvml_ || !nvml_->capability) return 0;
    int lowest = 0;
    for (unsigned int d = 0; d < nvml_->devices; ++d) {
        nvmlDevice_t device = nullptr;
        int major = 0, minor = 0;
        if (nvml_->deviceByIndex(d, &device) != kNvmlSuccess || nvml_->capability(device, &major, &minor) != kNvmlSuccess)
            return 0;
        lowest = lowest == 0 ? major : std::min(lowest, major);
    }
    return lowest;
}

#else // macOS and others: unified memory, already in the resident figure

struct GpuMemoryProbe::Nvml {};
GpuMemoryProbe::GpuMemoryProbe() : reason_("GPU memory is part of resident memory on this platform") {}
GpuMemoryProbe::~GpuMemoryProbe() = default;
bool GpuMemoryProbe::available() const { return false; }
std::int64_t GpuMemoryProbe::processBytes() const { return -1; }
int GpuMemoryProbe::minComputeCapabilityMajor() const { return 0; }

#endif

} // namespace logbert
