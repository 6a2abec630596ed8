// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/data/session.h"

namespace logbert {

/// Maps log keys to model token ids: the specials first (PAD 0, UNK 1, MASK 2, DIST 3, END 4), then the
/// keys seen in training ordered by frequency (ties by key). Keys never seen in training map to
/// UNK, so the model treats them as one "unknown event".
class Vocabulary {
public:
    static constexpr std::int32_t kPad = 0, kUnk = 1, kMask = 2, kDist = 3, kEnd = 4, kFirstKey = 5;
    /// What keyOf() gives for the END token: the end of a session, not a log key.
    static constexpr std::int32_t kEndKey = -2;

    /// Builds from the given sessions (the training split).
    static Vocabulary build(const std::vector<const Session*>& training);

    std::int32_t tokenOf(std::int32_t key) const;
    std::int32_t keyOf(std::int32_t token) const; ///< kEndKey for END, -1 for the other specials
    std::size_t size() const { return std::size_t(kFirstKey) + keys_.size(); }
    std::size_t keyCount() const { return keys_.size(); }
    const std::vector<std::int32_t>& keys() const { return keys_; }
    std::uint64_t frequency(std::int32_t token) const;
    static const char* specialName(std::int32_t token);

    void save(std::ostream& out) const;
    static Vocabulary load(std::istream& in, const std::string& source);

private:
    std::vector<std::int32_t> keys_;       // token kFirstKey + i  <->  keys_[i]
    std::vector<std::uint64_t> counts_;
    std::unordered_map<std::int32_t, std::int32_t> tokenOfKey_;
};

} // namespace logbert
