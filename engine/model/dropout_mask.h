// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace logbert {

/// Fills `n` floats with an inverted-dropout mask: 0 with probability p (to 1/65536), else
/// 1 / (1 - p). A counter-based generator (splitmix64, four 16-bit draws per 64 bits): the same
/// seed gives the same mask. Used by engine/model/cpu_dropout.h; torch-free so that it can be tested.
void fillDropoutMask(float* mask, std::int64_t n, double p, std::uint64_t seed);

} // namespace logbert
