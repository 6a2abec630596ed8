// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/model_batch.h"

#include "engine/core/hashing.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace logbert {

std::vector<TokenSequence> tokenize(const std::vector<const Session*>& sessions,
                                    const Vocabulary& vocabulary, int maxKeys, bool endToken) {
    std::vector<TokenSequence> out;
    out.reserve(sessions.size());
    std::vector<std::int32_t> tokens;
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        tokens.clear();
        for (auto k : sessions[i]->keys) tokens.push_back(vocabulary.tokenOf(k));
        if (endToken) tokens.push_back(Vocabulary::kEnd);
        // Sessions with no tokens still get one (empty) sequence, so that every session is
        // scored (by its [DIST] distance alone).
        std::size_t start = 0;
        do {
            TokenSequence seq;
            seq.session = std::uint32_t(i);
            seq.offset = std::uint32_t(start);
            const std::size_t end = std::min(tokens.size(), start + std::size_t(maxKeys));
            seq.tokens.assign(tokens.begin() + std::ptrdiff_t(start), tokens.begin() + std::ptrdiff_t(end));
            out.push_back(std::move(seq));
            start = end;
        } while (start < tokens.size());
    }
    return out;
}

std::vector<std::vector<std::uint32_t>> lengthBatches(const std::vector<TokenSequence>& sequences,
                                                      int batchSize, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::uint32_t> order(sequences.size());
    std::iota(order.begin(), order.end(), 0u);
    std::shuffle(order.begin(), order.end(), rng);
    const std::size_t window = std::size_t(batchSize) * 64;
    for (std::size_t begin = 0; begin < order.size(); begin += window) {
        auto end = order.begin() + std::ptrdiff_t(std::min(order.size(), begin + window));
        std::stable_sort(order.begin() + std::ptrdiff_t(begin), end, [&](std::uint32_t a, std::uint32_t b) {
            return sequences[a].tokens.size() < sequences[b].tokens.size();
        });
    }
    std::vector<std::vector<std::uint32_t>> batches;
    for (std::size_t begin = 0; begin < order.size(); begin += std::size_t(batchSize)) {
        const std::size_t end = std::min(order.size(), begin + std::size_t(batchSize));
        batches.emplace_back(order.begin() + std::ptrdiff_t(begin), order.begin() + std::ptrdiff_t(end));
    }
    std::shuffle(batches.begin(), batches.end(), rng);
    return batches;
}

namespace {

ModelBatch emptyBatch(const std::vector<TokenSequence>& sequences, const std::vector<std::uint32_t>& items) {
    ModelBatch b;
    b.rows = std::int64_t(items.size());
    std::size_t longest = 0;
    for (auto i : items) longest = std::max(longest, sequences[i].tokens.size());
    b.length = std::int64_t(longest) + 1;
    b.tokens.assign(std::size_t(b.rows * b.length), Vocabulary::kPad);
    b.padding.assign(std::size_t(b.rows * b.length), 1);
    b.items = items;
    for (std::int64_t r = 0; r < b.rows; ++r) {
        const auto& seq = sequences[items[std::size_t(r)]].tokens;
        const std::int64_t base = r * b.length;
        b.tokens[std::size_t(base)] = Vocabulary::kDist;
        b.padding[std::size_t(base)] = 0;
        for (std::size_t k = 0; k < seq.size(); ++k) {
            b.tokens[std::size_t(base) + 1 + k] = seq[k];
            b.padding[std::size_t(base) + 1 + k] = 0;
        }
    }
    return b;
}

/// Row and target weights from the sequences' counts; none when every count is 1, so that a run
/// without merged sequences computes exactly the unweighted means.
void addCountWeights(const std::vector<TokenSequence>& sequences, ModelBatch& b) {
    bool merged = false;
    for (auto i : b.items) merged |= sequences[i].count != 1;
    if (!merged) return;
    for (auto i : b.items) b.rowWeights.push_back(float(sequences[i].count));
    b.targetWeights.reserve(b.maskedIndex.size());
    for (auto flat : b.maskedIndex) b.targetWeights.push_back(b.rowWeights[std::size_t(flat / b.length)]);
}

} // namespace

ModelBatch trainingBatch(const std::vector<TokenSequence>& sequences,
                         const std::vector<std::uint32_t>& rows, double maskRatio,
                         std::int32_t vocabularySize, std::uint64_t seed, bool weighByCount) {
    ModelBatch b = emptyBatch(sequences, rows);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const std::int32_t firstKey = Vocabulary::kFirstKey;
    const bool haveKeys = vocabularySize > firstKey;
    std::uniform_int_distribution<std::int32_t> randomKey(firstKey, haveKeys ? vocabularySize - 1 : firstKey);
    for (std::int64_t r = 0; r < b.rows; ++r) {
        const auto& seq = sequences[rows[std::size_t(r)]].tokens;
        if (seq.empty()) continue;
        // One stream per sequence: a row's masks do not depend on which rows share its batch, so
        // ranks that split a batch mask exactly what one process with the whole batch would.
        std::mt19937_64 rng(mix64(mix64(seed) + rows[std::size_t(r)]));
        std::vector<std::size_t> chosen;
        for (std::size_t k = 0; k < seq.size(); ++k)
            if (unit(rng) < maskRatio) chosen.push_back(k);
        if (chosen.empty()) chosen.push_back(std::uniform_int_distribution<std::size_t>(0, seq.size() - 1)(rng));
        for (std::size_t k : chosen) {
            const std::int64_t flat = r * b.length + 1 + std::int64_t(k);
            const double u = unit(rng);
            if (u < 0.8) b.tokens[std::size_t(flat)] = Vocabulary::kMask;
            else if (u < 0.9 && haveKeys) b.tokens[std::size_t(flat)] = randomKey(rng);
            b.maskedIndex.push_back(flat);
            b.targets.push_back(seq[k]);
        }
    }
    if (weighByCount) addCountWeights(sequences, b);
    return b;
}

ModelBatch detectionBatch(const std::vector<TokenSequence>& sequences, const std::vector<PassRow>& rows,
                          int passes) {
    std::vector<std::uint32_t> items;
    items.reserve(rows.size());
    for (const auto& r : rows) items.push_back(r.sequence);
    ModelBatch b = emptyBatch(sequences, items);
    for (std::int64_t r = 0; r < b.rows; ++r) {
        const auto& seq = sequences[items[std::size_t(r)]];
        for (std::size_t k = 0; k < seq.tokens.size(); ++k) {
            if ((seq.offset + k) % std::size_t(passes) != rows[std::size_t(r)].pass) continue;
            const std::int64_t flat = r * b.length + 1 + std::int64_t(k);
            b.tokens[std::size_t(flat)] = Vocabulary::kMask;
            b.maskedIndex.push_back(flat);
            b.targets.push_back(seq.tokens[k]);
        }
    }
    return b;
}

} // namespace logbert
