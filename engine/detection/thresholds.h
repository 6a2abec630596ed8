// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "engine/detection/confusion.h"
#include "engine/detection/session_scorer.h"

namespace logbert {

/// LogBERT's decision rule, with both of its signals. A session is anomalous when
/// - the share of its masked keys outside the top-g predictions exceeds `missRatio` (the paper's
///   rule), OR its [END] is outside the top-`endG` (it stops where the model did not expect an
///   end: HDFS blocks of 2-3 keys, a third of the anomalies, which key misses cannot see), OR
/// - the distance of its [DIST] state to the centre of normal sessions exceeds `distance`.
/// [END] gets its own g because after the last key the plausible alternatives are the keys that
/// could continue the session: [END] ranks behind them even when it is very unlikely.
struct Thresholds {
    int topG = 1;         ///< a masked key is a miss when it is not among the top-g predictions
    double missRatio = 0; ///< flagged when the share of misses > this (0: any miss)
    int endG = 0;         ///< flagged when [END] ranks >= endG (0: not used)
    double distance = 0;  ///< flagged when distance > this
    std::string method;   ///< how they were chosen, for the report

    bool byKeyMisses(const SessionScore& s) const {
        const auto misses = s.missesAt(topG);
        return misses > 0 && double(misses) / double(std::max(1u, s.keysMasked())) > missRatio;
    }
    bool byEnd(const SessionScore& s) const { return endG > 0 && s.endRank >= endG; }
    bool byMisses(const SessionScore& s) const { return byKeyMisses(s) || byEnd(s); }
    bool byDistance(const SessionScore& s) const { return s.distance > distance; }
    bool flags(const SessionScore& s) const { return byMisses(s) || byDistance(s); }
};

/// How the distance threshold is placed (DetectionConfig::distanceTail and distanceMargin).
struct DistanceRule {
    double tail = 1e-5;
    double margin = 4;
};

/// Chooses the thresholds on validation data only, never on the test set.
/// - g for keys is `topG` (the paper's top-g; 9 by default).
/// - Without labelled anomalies, from the normal validation sessions: each miss rule may flag no
///   more of them than a true false-positive rate of `targetFpr` would in 95% of samples (a few
///   hundred sessions cannot show a rate of 0.1%, and one odd session must not switch a rule
///   off). The miss ratio is the smallest within that allowance; endG is one more than the
///   smallest g for [END] within it (a rank of margin for normal endings validation lacks). The distance flags sessions far outside everything normal: `margin` times
///   the larger of the point beyond which that allowance of validation sessions lies and the point
///   where a Pareto tail, fitted robustly (median log-excess) to the largest 10% of the distances,
///   falls to `tail`. Validation sessions cannot show the rare normal modes a full test set holds
///   (on HDFS, long blocks whose [DIST] lies 2-4x beyond every validation session): the margin.
/// - With labelled validation anomalies: endG as above, and the r and d that maximize validation F1.
Thresholds chooseThresholds(const std::vector<SessionScore>& validationNormals,
                            const std::vector<SessionScore>& validationAnomalies, int topG, double targetFpr,
                            const DistanceRule& distanceRule);

/// Smallest k with P(X <= k) >= confidence for X ~ Binomial(n, p).
std::size_t binomialQuantile(std::size_t n, double p, double confidence);

/// Quantile of the standard normal distribution (Acklam's approximation, |error| < 1.2e-9).
double normalQuantile(double p);

} // namespace logbert
