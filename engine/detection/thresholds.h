// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "engine/detection/confusion.h"
#include "engine/detection/session_scorer.h"

namespace logbert {

/// LogBERT's decision rule, with both of its signals: a session is anomalous when the share of
/// its masked keys outside the top-g predictions exceeds `missRatio`, OR when the distance of
/// its [DIST] state to the centre exceeds `distance`. Misses catch wrong keys in long sessions;
/// the distance catches short sessions (HDFS: a third of the anomalies have 2-3 keys), where
/// one or two predictions say little.
struct Thresholds {
    int topG = 1;         ///< a masked key is a miss when it is not among the top-g predictions
    double missRatio = 0; ///< flagged when the share of misses > this (0: any miss)
    double distance = 0;  ///< flagged when distance > this
    std::string method;   ///< how they were chosen, for the report

    bool byMisses(const SessionScore& s) const {
        const auto misses = s.missesAt(topG);
        return misses > 0 && double(misses) / double(s.masked) > missRatio;
    }
    bool byDistance(const SessionScore& s) const { return s.distance > distance; }
    bool flags(const SessionScore& s) const { return byMisses(s) || byDistance(s); }
};

/// Chooses the thresholds on validation data only, never on the test set; g is at most `maxTopG`.
/// - With labelled validation anomalies: the g, r and d that maximize validation F1.
/// - Otherwise, from the normal validation sessions only. g is the smallest for which "any miss"
///   flags no more of them than a true false-positive rate of `targetFpr` would in 95% of samples
///   (the sharpest test the normal data allows); if even maxTopG cannot, g = maxTopG and the miss
///   ratio is the smallest that keeps within that allowance. The distance threshold is where a Pareto tail,
///   fitted robustly to the largest 10% of their distances, falls to `distanceTail`: neither the
///   single most extreme validation session (which may be an odd normal one, and would push the
///   threshold past the anomalies) nor a bulk fit (normal distances have a heavy tail) decides it.
///   `distanceTail` is far below the target rate on purpose: a few hundred validation sessions
///   cannot show the rare normal modes that a full test set holds.
Thresholds chooseThresholds(const std::vector<SessionScore>& validationNormals,
                            const std::vector<SessionScore>& validationAnomalies, int maxTopG, double targetFpr,
                            double distanceTail);

/// Smallest k with P(X <= k) >= confidence for X ~ Binomial(n, p).
std::size_t binomialQuantile(std::size_t n, double p, double confidence);

/// Quantile of the standard normal distribution (Acklam's approximation, |error| < 1.2e-9).
double normalQuantile(double p);

} // namespace logbert
