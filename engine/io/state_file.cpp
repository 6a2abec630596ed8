// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/state_file.h"

#include <filesystem>

#include "engine/core/errors.h"
#include "engine/io/file_list.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {
std::string sizeText(std::uintmax_t bytes) {
    return bytes >= (std::uintmax_t(1) << 30) ? std::to_string(bytes >> 30) + " GiB" : std::to_string(bytes >> 20) + " MiB";
}
} // namespace

void requireStateFile(const std::string& path, const std::string& what, std::uintmax_t maxBytes) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        const std::string reason = missingPathReason(path);
        throw InputError(path, 0, reason == "no such file or directory" ? "no such file" : reason);
    }
    if (fs::is_directory(status)) throw InputError(path, 0, "is a directory; expected a " + what);
    if (!fs::is_regular_file(status))
        throw InputError(path, 0, "is not a regular file (a FIFO, socket or device); expected a " + what);
    const auto size = fs::file_size(path, ec);
    if (!ec && size > maxBytes)
        throw InputError(path, 0, "is " + sizeText(size) + "; a " + what + " is at most " + sizeText(maxBytes));
}

} // namespace logbert
