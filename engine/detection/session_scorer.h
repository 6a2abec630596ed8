// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/core/job.h"
#include "engine/data/session.h"
#include "engine/data/vocabulary.h"

namespace logbert {

/// A masked key that was not the model's first choice: its rank among the predictions, and what
/// the model expected instead. With top-g candidates it is a miss when rank >= g.
struct MissedKey {
    std::uint32_t position = 0;            ///< index in the session's key list (== its length: the end)
    std::int32_t key = 0;                  ///< the true log key (one never seen in training, or
                                           ///< Vocabulary::kEndKey: the session ended here)
    std::uint32_t rank = 0;                ///< predictions ranked above the true key (0: first choice)
    float probability = 0;                 ///< the model's probability of the true key
    std::vector<std::int32_t> predictions; ///< the model's top detection.top_g keys, most likely first
                                           ///< (kEndKey: "end")
};

/// What the model says about one session. Deterministic: the same run gives the same score.
struct SessionScore {
    std::uint32_t keys = 0;   ///< session length
    std::uint32_t masked = 0; ///< keys (and [END]) masked and predicted: every one, see DetectionConfig::maskPasses
    double distance = 0;      ///< squared distance of h_DIST to the centre of normal sessions
    std::int32_t endRank = -1; ///< rank of [END] where the session ends (-1: no [END] scored)
    std::vector<MissedKey> missed; ///< the masked keys (and [END]) that were not the first choice

    /// Masked log keys outside the top-g predictions ([END] not counted).
    std::uint32_t missesAt(int g) const {
        std::uint32_t n = 0;
        for (const auto& m : missed) n += m.key != Vocabulary::kEndKey && m.rank >= std::uint32_t(g);
        return n;
    }
    std::uint32_t keysMasked() const { return masked - (endRank >= 0 ? 1 : 0); }
    double missRatioAt(int g) const { return keysMasked() ? double(missesAt(g)) / double(keysMasked()) : 0.0; }
};

/// Scores sessions with a trained run's model (model.pt, vocabulary, config). Every key is
/// masked exactly once over `detection.mask_passes` passes (position p in pass p mod passes),
/// so no randomness enters the scores. Sessions of any length are scored; sessions longer than
/// the model's window are scored piece by piece (misses add up, the distance is the largest).
class SessionScorer {
public:
    /// Loads the run; InputError when its files are missing or do not fit together.
    explicit SessionScorer(const std::string& runDir);
    ~SessionScorer();
    SessionScorer(const SessionScorer&) = delete;
    SessionScorer& operator=(const SessionScorer&) = delete;

    const RunConfig& config() const;
    const Vocabulary& vocabulary() const;
    std::int64_t parameterCount() const;

    /// Scores on the calling thread with `threads` (0: the run's training.threads setting).
    std::vector<SessionScore> score(const std::vector<const Session*>& sessions, const JobControl& control = {},
                                    int threads = 0) const;

private:
    /// score() on sessions whose key lists all differ.
    std::vector<SessionScore> scoreDistinct(const std::vector<const Session*>& sessions, const JobControl& control,
                                            int threads) const;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace logbert
