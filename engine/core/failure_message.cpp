// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/failure_message.h"

#include <cstdio>
#include <cstdlib>
#include <new>

#include "engine/core/errors.h"

namespace logbert {

namespace {
std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

/// "… you tried to allocate 123456 bytes …" → 123456; 0 when absent.
double bytesAsked(const std::string& what) {
    const auto at = what.find("allocate ");
    if (at == std::string::npos) return 0;
    return std::strtod(what.c_str() + at + 9, nullptr);
}
} // namespace

bool isOutOfMemory(const std::exception& e) {
    if (dynamic_cast<const std::bad_alloc*>(&e)) return true;
    const std::string what = e.what();
    return what.find("can't allocate memory") != std::string::npos || what.find("out of memory") != std::string::npos ||
           what.find("Out of memory") != std::string::npos;
}

std::string missingDeviceOperator(const std::exception& e) {
    // LibTorch's words (aten/src/ATen/mps/MPSFallback.mm, 1.13 to 2.x): "The operator 'aten::x'
    // is not currently implemented for the MPS device. …"
    const std::string what = firstLine(e.what());
    if (what.find("not currently implemented for the MPS device") == std::string::npos &&
        what.find("not current implemented for the MPS device") == std::string::npos)
        return {};
    const auto open = what.find("operator '");
    if (open == std::string::npos) return "an operator";
    const auto close = what.find('\'', open + 10);
    return close == std::string::npos ? "an operator" : what.substr(open + 10, close - open - 10);
}

std::string failureMessage(const std::exception& e) {
    if (dynamic_cast<const InputError*>(&e)) return e.what();
    if (const std::string op = missingDeviceOperator(e); !op.empty()) {
        const std::string head = "this LibTorch's MPS backend has no kernel for " + op;
        if (std::getenv("PYTORCH_ENABLE_MPS_FALLBACK"))
            return head + ", and PYTORCH_ENABLE_MPS_FALLBACK=" + std::getenv("PYTORCH_ENABLE_MPS_FALLBACK") +
                   " keeps it off the CPU; unset that variable (logbert then turns LibTorch's CPU fallback on) "
                   "or train with training.device: cpu";
        return head + "; start logbert with PYTORCH_ENABLE_MPS_FALLBACK=1 (LibTorch reads it when it loads) to run "
                      "it on the CPU, or train with training.device: cpu";
    }
    if (isOutOfMemory(e)) {
        std::string text = "out of memory";
        if (const double bytes = bytesAsked(e.what()); bytes > 0) {
            char size[64];
            std::snprintf(size, sizeof size, " (an allocation of %.1f MiB failed)", bytes / 1048576.0);
            text += size;
        }
        return text + "; choose a smaller model or batch size (model.*, training.batch_size, detection.batch_size), "
                      "or free memory";
    }
    return firstLine(e.what());
}

} // namespace logbert
