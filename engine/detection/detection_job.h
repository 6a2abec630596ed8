// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "engine/core/job.h"
#include "engine/data/session.h"
#include "engine/detection/session_scorer.h"
#include "engine/detection/thresholds.h"

namespace logbert {

/// A session of new logs that the model flags, with where its lines are.
struct FlaggedSession {
    std::string id;
    SessionScore score;
    bool byMisses = false, byDistance = false;
    bool endedEarly = false; ///< flagged by misses only because the session stopped where no end was expected
    std::vector<std::string> lines; ///< "file:line" of each of its log lines (empty for key sequences)
};

struct DetectionResult {
    Thresholds thresholds;
    std::size_t sessions = 0;
    std::uint64_t linesRead = 0, linesUnmatched = 0;
    std::uint64_t unknownKeys = 0; ///< lines whose template the trained parser does not know
    std::vector<FlaggedSession> flagged;
    double seconds = 0;
};

/// Scores the sessions of new log files with a trained and evaluated run: raw logs are parsed
/// with the run's saved Drain state (templates matched, never learned) and sessionized by the
/// run's rule; key-sequence runs read files of the same kind. Thresholds come from the run's
/// results.json (chosen on validation data). Throws InputError, Cancelled.
DetectionResult detectAnomalies(const std::string& runDir, const std::vector<std::string>& files,
                                const JobControl& control = {});

/// Writes the flagged sessions as CSV (atomically): session, keys, misses, miss_ratio, distance,
/// reason, lines.
void writeDetections(const std::string& path, const DetectionResult& result);

/// "misses", "ended early", "distance", or a combination, for listings.
std::string reasonOf(const FlaggedSession& flagged);

/// Reads the thresholds chosen at evaluation from a run's results.json.
Thresholds loadThresholds(const std::string& runDir);

} // namespace logbert
