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

std::string failureMessage(const std::exception& e) {
    if (dynamic_cast<const InputError*>(&e)) return e.what();
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
