// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/vocabulary.h"

#include <algorithm>
#include <istream>
#include <map>
#include <ostream>
#include <sstream>

#include "engine/core/errors.h"

namespace logbert {

Vocabulary Vocabulary::build(const std::vector<const Session*>& training) {
    std::map<std::int32_t, std::uint64_t> counts;
    for (const Session* s : training)
        for (auto k : s->keys) ++counts[k];
    std::vector<std::pair<std::int32_t, std::uint64_t>> ordered(counts.begin(), counts.end());
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Vocabulary v;
    for (const auto& [key, count] : ordered) {
        v.tokenOfKey_[key] = kFirstKey + std::int32_t(v.keys_.size());
        v.keys_.push_back(key);
        v.counts_.push_back(count);
    }
    return v;
}

std::int32_t Vocabulary::tokenOf(std::int32_t key) const {
    auto it = tokenOfKey_.find(key);
    return it == tokenOfKey_.end() ? kUnk : it->second;
}

std::int32_t Vocabulary::keyOf(std::int32_t token) const {
    if (token == kEnd) return kEndKey;
    if (token < kFirstKey || std::size_t(token - kFirstKey) >= keys_.size()) return -1;
    return keys_[std::size_t(token - kFirstKey)];
}

std::uint64_t Vocabulary::frequency(std::int32_t token) const {
    if (token < kFirstKey || std::size_t(token - kFirstKey) >= counts_.size()) return 0;
    return counts_[std::size_t(token - kFirstKey)];
}

const char* Vocabulary::specialName(std::int32_t token) {
    static const char* names[] = {"[PAD]", "[UNK]", "[MASK]", "[DIST]", "[END]"};
    return token >= 0 && token < kFirstKey ? names[token] : nullptr;
}

void Vocabulary::save(std::ostream& out) const {
    out << "logbert-vocabulary 1\n" << keys_.size() << "\n";
    for (std::size_t i = 0; i < keys_.size(); ++i) out << keys_[i] << ' ' << counts_[i] << '\n';
}

Vocabulary Vocabulary::load(std::istream& in, const std::string& source) {
    std::string line;
    long lineNo = 1;
    if (!std::getline(in, line) || line != "logbert-vocabulary 1")
        throw InputError(source, 1, "not a vocabulary file (expected 'logbert-vocabulary 1')");
    long long n = -1;
    if (!std::getline(in, line) || !(std::istringstream(line) >> n) || n < 0)
        throw InputError(source, 2, "expected the number of keys");
    ++lineNo;
    Vocabulary v;
    for (long long i = 0; i < n; ++i) {
        ++lineNo;
        std::int32_t key = 0;
        std::uint64_t count = 0;
        if (!std::getline(in, line) || !(std::istringstream(line) >> key >> count))
            throw InputError(source, lineNo, "expected '<key> <count>'");
        if (v.tokenOfKey_.count(key)) throw InputError(source, lineNo, "key listed twice");
        v.tokenOfKey_[key] = kFirstKey + std::int32_t(v.keys_.size());
        v.keys_.push_back(key);
        v.counts_.push_back(count);
    }
    return v;
}

} // namespace logbert
