// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace logbert {

/// Resident memory of this process now, in bytes (0 when the platform cannot tell).
std::uint64_t currentRssBytes();
/// Highest resident memory of this process so far, in bytes.
std::uint64_t peakRssBytes();

} // namespace logbert
