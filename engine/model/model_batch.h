// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

#include "engine/data/session.h"
#include "engine/data/vocabulary.h"

namespace logbert {

/// One model input: the tokens of a session, or of one piece of a session longer than the model's
/// window. The [DIST] token is not stored; batches put it first.
struct TokenSequence {
    std::vector<std::int32_t> tokens;
    std::uint32_t session = 0; ///< index into the session list it was made from
    std::uint32_t offset = 0;  ///< position of tokens[0] in the session's key list
    std::uint32_t count = 1;   ///< identical sequences this one stands for (distinct_sequences.h)
};

/// Tokenizes sessions, each followed by [END] when `endToken` is set. A session with more than
/// `maxKeys` tokens becomes consecutive pieces of at most `maxKeys` tokens, so long windows (BGL)
/// are covered whole instead of silently cut.
std::vector<TokenSequence> tokenize(const std::vector<const Session*>& sessions,
                                    const Vocabulary& vocabulary, int maxKeys, bool endToken);

/// A padded batch as flat arrays, ready to become tensors. Row-major [rows, length]; column 0 is
/// [DIST]. `maskedIndex` holds flat positions (row * length + column) whose targets are known.
struct ModelBatch {
    std::int64_t rows = 0, length = 0;
    std::vector<std::int64_t> tokens;
    std::vector<std::uint8_t> padding; ///< 1 = padded (never attended to)
    std::vector<std::int64_t> maskedIndex;
    std::vector<std::int64_t> targets; ///< true token at each masked position
    std::vector<std::uint32_t> items;  ///< which TokenSequence each row holds
    /// Training with weighByCount, when some row stands for several identical sequences: each
    /// row's count, and the count of the row of each masked target. Empty otherwise.
    std::vector<float> rowWeights, targetWeights;
};

/// Groups sequences of similar length into batches (length bucketing) in an order that depends
/// only on the seed: sequences are shuffled, sorted by length inside windows of 64 batches, cut
/// into batches, and the batches shuffled. Short sessions then never pay for long ones.
std::vector<std::vector<std::uint32_t>> lengthBatches(const std::vector<TokenSequence>& sequences,
                                                      int batchSize, std::uint64_t seed);

/// BERT masking for training: each key is chosen with probability maskRatio (at least one per
/// row); a chosen key becomes [MASK] 80% of the time, a random key 10%, and stays 10%.
/// Deterministic for a given seed and independent of the other rows of the batch. With `weighByCount`, rows of merged sequences carry their
/// counts as weights (ModelBatch::rowWeights).
ModelBatch trainingBatch(const std::vector<TokenSequence>& sequences,
                         const std::vector<std::uint32_t>& rows, double maskRatio,
                         std::int32_t vocabularySize, std::uint64_t seed, bool weighByCount = false);

/// Detection masking: key position p (in the session) is masked in pass p mod passes, so the
/// passes together score every key exactly once, with no randomness. Rows are (sequence, pass).
struct PassRow {
    std::uint32_t sequence = 0;
    std::uint32_t pass = 0;
};
ModelBatch detectionBatch(const std::vector<TokenSequence>& sequences, const std::vector<PassRow>& rows,
                          int passes);

} // namespace logbert
