// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/core/hashing.h"

namespace logbert {

std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

StableHasher::StableHasher(std::uint64_t seed) : state_(0xCBF29CE484222325ull ^ mix64(seed)) {} // FNV-1a, then a final mix

void StableHasher::add(std::string_view piece) {
    std::uint64_t h = state_;
    for (unsigned char c : piece) {
        h ^= c;
        h *= 0x100000001B3ull;
    }
    state_ = h;
}

std::uint64_t StableHasher::value() const { return mix64(state_); }

std::uint64_t stableHash(std::string_view text, std::uint64_t seed) {
    StableHasher h(seed);
    h.add(text);
    return h.value();
}

} // namespace logbert
