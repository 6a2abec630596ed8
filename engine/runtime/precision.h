// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

/// `training.precision` for the device a run uses: "fp32", "bf16" or "fp16".
/// auto: bf16 on CUDA when every GPU is of compute capability 8.0 or newer (Ampere on: bf16
/// tensor cores; `computeCapabilityMajor` <= 0 when unknown counts as older), fp32 elsewhere.
/// bf16 and fp16 are mixed precision with CUDA autocast (weights stay fp32; fp16 adds a dynamic
/// loss scale). On cpu and mps they are refused with an InputError: CPU autocast is slower than
/// fp32 on most CPUs, and MPS autocast is not in every LibTorch.
std::string resolvePrecision(const std::string& setting, const std::string& device, int computeCapabilityMajor);

} // namespace logbert
