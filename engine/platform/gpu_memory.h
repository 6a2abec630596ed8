// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace logbert {

/// GPU memory this process holds on NVIDIA GPUs, through NVML (libnvidia-ml, part of the driver),
/// loaded at run time: the workbench needs neither CUDA nor NVML to build or run, and a machine
/// without an NVIDIA driver simply has no GPU figure. On macOS GPU memory is unified with the
/// process's resident memory, which the resource chart already shows.
class GpuMemoryProbe {
public:
    GpuMemoryProbe();
    ~GpuMemoryProbe();
    GpuMemoryProbe(const GpuMemoryProbe&) = delete;
    GpuMemoryProbe& operator=(const GpuMemoryProbe&) = delete;

    /// True when NVML loaded and sees at least one GPU.
    bool available() const;
    /// Why not, for the tooltip ("no NVIDIA driver (libnvidia-ml.so.1 not found)").
    const std::string& unavailableReason() const { return reason_; }
    /// Bytes of GPU memory used by this process over all GPUs; -1 when unknown.
    std::int64_t processBytes() const;
    /// The lowest CUDA compute capability (major) of the GPUs NVML sees; 0 when unknown. (NVML
    /// ignores CUDA_VISIBLE_DEVICES, so this is every GPU's, the safe side for a bf16 default.)
    int minComputeCapabilityMajor() const;

private:
    struct Nvml;
    std::unique_ptr<Nvml> nvml_;
    std::string reason_;
};

} // namespace logbert
