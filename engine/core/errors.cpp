// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/errors.h"

namespace logbert {
namespace {
std::string format(const std::string& source, long line, const std::string& message) {
    std::string s = source;
    if (line > 0) s += ":" + std::to_string(line);
    if (!s.empty()) s += ": ";
    return s + message;
}
} // namespace

InputError::InputError(std::string source, long line, std::string message)
    : std::runtime_error(format(source, line, message)), source_(std::move(source)), line_(line),
      message_(std::move(message)) {}

} // namespace logbert
