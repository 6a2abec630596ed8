// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/platform/gpu_memory.h"

namespace logbert {

/// What the workbench process uses right now, for the resource chart.
struct ResourceSample {
    double cpuPercent = 0;      ///< since the previous sample; 100 = one core busy
    std::uint64_t rssBytes = 0; ///< resident memory
    int threads = 0;
    std::int64_t gpuBytes = -1; ///< GPU memory of this process (NVIDIA, via NVML); -1: no GPU figure
};

/// Samples this process's CPU, memory and threads. One small interface, one implementation per
/// platform: /proc on Linux, task_info on macOS (the workbench's users are on Macs first).
class ResourceSampler {
public:
    ResourceSampler();
    /// CPU % is measured over the time since the previous call (or since construction).
    ResourceSample sample();
    /// Whether samples carry GPU memory, and if not, why.
    bool hasGpu() const { return gpu_->available(); }
    const std::string& noGpuReason() const { return gpu_->unavailableReason(); }

private:
    double cpuSeconds() const;

    double lastCpu_ = 0;
    std::chrono::steady_clock::time_point lastWall_;
    std::unique_ptr<GpuMemoryProbe> gpu_;
};

} // namespace logbert
