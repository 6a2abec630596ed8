// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace logbert {

/// Checks a LibTorch archive (a zip of stored entries) before LibTorch reads it: the zip
/// structure must be consistent and every entry must match the CRC-32 recorded for it. LibTorch
/// does not check these, and a damaged archive can crash its TorchScript parser, so a truncated
/// or bit-flipped checkpoint is refused here with an InputError naming the file and entry.
void verifyZipChecksums(const std::string& path);

} // namespace logbert
