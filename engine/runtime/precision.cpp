// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/runtime/precision.h"

#include "engine/core/errors.h"

namespace logbert {

std::string resolvePrecision(const std::string& setting, const std::string& device, int computeCapabilityMajor) {
    const bool cuda = device.rfind("cuda", 0) == 0;
    if (setting == "auto") return cuda && computeCapabilityMajor >= 8 ? "bf16" : "fp32";
    if (setting == "fp32") return "fp32";
    if (setting != "bf16" && setting != "fp16")
        throw InputError("training.precision", 0, "expected auto, fp32, bf16 or fp16, not '" + setting + "'");
    if (!cuda)
        throw InputError("training.precision", 0, setting + " is mixed precision on CUDA; this run trains on " + device +
                                                      " (use auto or fp32 there)");
    return setting;
}

} // namespace logbert
