// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/dropout_mask.h"

#include <cmath>

namespace logbert {

namespace {
std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
} // namespace

void fillDropoutMask(float* mask, std::int64_t n, double p, std::uint64_t seed) {
    const float keep = float(1.0 / (1.0 - p));
    const std::uint32_t dropBelow = std::uint32_t(std::llround(p * 65536.0));
    std::uint64_t state = seed;
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const std::uint64_t r = splitmix64(state);
        for (int lane = 0; lane < 4; ++lane)
            mask[i + lane] = std::uint32_t((r >> (16 * lane)) & 0xFFFF) < dropBelow ? 0.0f : keep;
    }
    for (const std::uint64_t r = splitmix64(state); i < n; ++i)
        mask[i] = std::uint32_t((r >> (16 * (i & 3))) & 0xFFFF) < dropBelow ? 0.0f : keep;
}

} // namespace logbert
