// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/distinct_sequences.h"

#include <string_view>
#include <unordered_map>

namespace logbert {

std::vector<TokenSequence> mergeIdenticalSequences(std::vector<TokenSequence> sequences) {
    std::vector<TokenSequence> out;
    out.reserve(sequences.size());
    // Keyed by the token bytes of the sequence already moved into `out` (its storage is stable:
    // `out` never reallocates past the reserve).
    std::unordered_map<std::string_view, std::size_t> index;
    index.reserve(sequences.size());
    for (auto& s : sequences) {
        const std::string_view bytes(reinterpret_cast<const char*>(s.tokens.data()), s.tokens.size() * sizeof(std::int32_t));
        const auto found = index.find(bytes);
        if (found != index.end()) {
            out[found->second].count += s.count;
            continue;
        }
        out.push_back(std::move(s));
        const auto& kept = out.back().tokens;
        index.emplace(std::string_view(reinterpret_cast<const char*>(kept.data()), kept.size() * sizeof(std::int32_t)),
                      out.size() - 1);
    }
    return out;
}

std::size_t sequencesRepresented(const std::vector<TokenSequence>& sequences) {
    std::size_t n = 0;
    for (const auto& s : sequences) n += s.count;
    return n;
}

} // namespace logbert
