// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/hashing.h"

namespace logbert {

std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint64_t stableHash(std::string_view text, std::uint64_t seed) {
    std::uint64_t h = 0xCBF29CE484222325ull ^ mix64(seed); // FNV-1a, then a final mix
    for (unsigned char c : text) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    return mix64(h);
}

} // namespace logbert
