// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string_view>

namespace logbert {

/// A hash that is the same on every platform and every run (unlike std::hash), for seeded,
/// order-independent decisions such as "is this session in the 1% sample".
std::uint64_t stableHash(std::string_view text, std::uint64_t seed);

/// stableHash over text given in pieces, e.g. a large file read in chunks: feeding the pieces of
/// a text in order gives stableHash(text, seed).
class StableHasher {
public:
    explicit StableHasher(std::uint64_t seed);
    void add(std::string_view piece);
    std::uint64_t value() const;

private:
    std::uint64_t state_;
};

/// Maps a hash to [0, 1).
inline double unitInterval(std::uint64_t h) { return double(h >> 11) * (1.0 / 9007199254740992.0); }

/// splitmix64 step: a good, cheap mixer for deriving seeds.
std::uint64_t mix64(std::uint64_t x);

} // namespace logbert
