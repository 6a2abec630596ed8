// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "engine/detection/evaluation.h"

namespace logbert {

/// Every detector's confusion on the test split with LogBERT's rule at thresholds `t`, in the
/// order of EvaluationResult::detectors: LogBERT, its misses and distance parts, the three
/// baselines, and the combined rule (LogBERT OR unseen key set). The GUI calls it whenever a
/// control moves, evaluateRun at the chosen thresholds: one source for every row, so a union row
/// never holds fewer sessions than its parts.
std::vector<DetectorReport> detectorReports(const std::vector<ScoredSession>& sessions, const Thresholds& t);

/// LogBERT against the simple rules at thresholds `t`, in plain words: what LogBERT finds, how
/// many of its finds no simple rule has, which rules it beats, ties with (equal F1 to 4 places)
/// or loses to, and what a loss says about the data.
std::string verdictText(const std::vector<ScoredSession>& sessions, const Thresholds& t);

} // namespace logbert
