// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/detection/baselines.h"

#include <algorithm>
#include <map>

#include "engine/core/hashing.h"

namespace logbert {

namespace {
std::uint64_t historyHash(const std::vector<std::int32_t>& keys, std::size_t position, std::size_t length) {
    std::uint64_t h = mix64(length + 0x9E37);
    for (std::size_t i = position - length; i < position; ++i) h = mix64(h ^ std::uint64_t(std::uint32_t(keys[i])));
    return h;
}

std::vector<std::int32_t> distinct(const std::vector<std::int32_t>& keys) {
    std::vector<std::int32_t> d(keys);
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
    return d;
}
} // namespace

BaselineDetectors::BaselineDetectors(const std::vector<const Session*>& training, int topG, int history)
    : topG_(topG), history_(history) {
    std::unordered_map<std::uint64_t, std::map<std::int32_t, std::uint64_t>> counts;
    for (const Session* s : training) {
        keys_.insert(s->keys.begin(), s->keys.end());
        keySets_.insert(distinct(s->keys));
        for (std::size_t p = 0; p < s->keys.size(); ++p)
            for (std::size_t len = 0; len <= std::min<std::size_t>(p, std::size_t(history_)); ++len)
                ++counts[historyHash(s->keys, p, len)][s->keys[p]];
    }
    for (auto& [h, next] : counts) {
        std::vector<std::pair<std::int32_t, std::uint64_t>> ordered(next.begin(), next.end());
        std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        auto& list = successors_[h];
        for (std::size_t i = 0; i < ordered.size() && i < std::size_t(topG_); ++i) list.push_back(ordered[i].first);
    }
}

bool BaselineDetectors::unseenKey(const Session& s) const {
    for (auto k : s.keys)
        if (!keys_.count(k)) return true;
    return false;
}

bool BaselineDetectors::unseenKeySet(const Session& s) const { return !keySets_.count(distinct(s.keys)); }

std::vector<std::int32_t> BaselineDetectors::candidates(const std::vector<std::int32_t>& keys, std::size_t position) const {
    std::vector<std::int32_t> out;
    for (std::size_t len = std::min<std::size_t>(position, std::size_t(history_)) + 1; len-- > 0 && out.size() < std::size_t(topG_);) {
        auto it = successors_.find(historyHash(keys, position, len));
        if (it == successors_.end()) continue;
        for (auto k : it->second) {
            if (out.size() >= std::size_t(topG_)) break;
            if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
        }
    }
    return out;
}

std::size_t BaselineDetectors::nextKeyMisses(const Session& s) const {
    std::size_t misses = 0;
    for (std::size_t p = 0; p < s.keys.size(); ++p) {
        const auto c = candidates(s.keys, p);
        if (std::find(c.begin(), c.end(), s.keys[p]) == c.end()) ++misses;
    }
    return misses;
}

} // namespace logbert
