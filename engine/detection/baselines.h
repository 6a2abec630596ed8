// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <set>
#include <unordered_map>
#include <vector>

#include "engine/data/session.h"

namespace logbert {

/// The simple detectors LogBERT is compared with, learned from the same normal training
/// sessions (Landauer et al., FSE 2024 found such detectors hard to beat on these datasets):
/// - unseen key: a session holding a key that no training session holds;
/// - unseen key set: a session whose set of distinct keys equals no training session's set;
/// - next key (DeepLog-style): a key outside the top-g candidates predicted from the keys before
///   it. The model is an n-gram count model with back-off over the last `history` keys (DeepLog's
///   window is 10), not DeepLog's LSTM: candidates are the most frequent successors of the
///   longest history seen in training, topped up from shorter histories until there are g.
class BaselineDetectors {
public:
    BaselineDetectors(const std::vector<const Session*>& training, int topG, int history = 10);

    bool unseenKey(const Session& s) const;
    bool unseenKeySet(const Session& s) const;
    /// Number of keys outside the next-key candidates.
    std::size_t nextKeyMisses(const Session& s) const;

private:
    std::vector<std::int32_t> candidates(const std::vector<std::int32_t>& keys, std::size_t position) const;

    int topG_, history_;
    std::set<std::int32_t> keys_;
    std::set<std::vector<std::int32_t>> keySets_;
    // hash of (history length, the history keys) -> successors ordered by count, then key
    std::unordered_map<std::uint64_t, std::vector<std::int32_t>> successors_;
};

} // namespace logbert
