// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/detection/thresholds.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace logbert {

double normalQuantile(double p) {
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    p = std::clamp(p, 1e-300, 1 - 1e-16);
    const double low = 0.02425;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) return -normalQuantile(1 - p);
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

std::size_t binomialQuantile(std::size_t n, double p, double confidence) {
    double term = std::pow(1 - p, double(n)), cumulative = 0;
    for (std::size_t k = 0; k <= n; ++k) {
        cumulative += term;
        if (cumulative >= confidence) return k;
        term *= double(n - k) / double(k + 1) * p / (1 - p);
    }
    return n;
}

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    const std::size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(mid), v.end());
    double m = v[mid];
    if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), v.begin() + std::ptrdiff_t(mid))) / 2;
    return m;
}

/// Distance threshold from a Pareto (power-law) tail fitted to the largest 10% of the normal
/// validation distances (at least 10 of them): with u the largest distance below that tail, the
/// tail index is estimated from the MEDIAN of ln(x / u) (an exponential's median is ln 2 times
/// its mean), so a few extreme sessions cannot move it, and the threshold is where the fitted tail
/// falls to `tail`: u * exp(xi * ln(share / tail)).
double robustDistanceThreshold(const std::vector<SessionScore>& normals, double tail) {
    std::vector<double> d;
    for (const auto& s : normals) d.push_back(std::max(s.distance, 1e-12));
    std::sort(d.begin(), d.end());
    const std::size_t n = d.size();
    const std::size_t k = std::min(n - 1, std::max<std::size_t>(10, n / 10));
    if (n < 2 || k == 0) return d.back() * 2;
    const double u = d[n - k - 1];
    std::vector<double> excess;
    for (std::size_t i = n - k; i < n; ++i) excess.push_back(std::log(d[i] / u));
    const double xi = median(excess) / std::log(2.0);
    const double share = double(k) / double(n);
    return u * std::exp(xi * std::log(std::max(share / tail, 1.0)));
}

std::size_t flaggedByMisses(const std::vector<SessionScore>& normals, int g, double r) {
    Thresholds t;
    t.topG = g;
    t.missRatio = r;
    std::size_t flagged = 0;
    for (const auto& s : normals) flagged += t.byKeyMisses(s);
    return flagged;
}

/// Candidate miss ratios at g: 0 and each ratio a validation session has.
std::vector<double> ratioCandidates(const std::vector<SessionScore>& a, const std::vector<SessionScore>& b, int g) {
    std::vector<double> ratios{0.0};
    for (const auto* v : {&a, &b})
        for (const auto& s : *v) ratios.push_back(s.missRatioAt(g));
    std::sort(ratios.begin(), ratios.end());
    ratios.erase(std::unique(ratios.begin(), ratios.end()), ratios.end());
    return ratios;
}

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

Thresholds chooseThresholds(const std::vector<SessionScore>& normals, const std::vector<SessionScore>& anomalies,
                            int topG, double targetFpr, const DistanceRule& distanceRule) {
    Thresholds t;
    t.topG = std::max(1, topG);
    if (normals.empty()) {
        t.missRatio = 0;
        t.endG = t.topG;
        t.distance = std::numeric_limits<double>::infinity();
        t.method = "no normal validation sessions: any key outside the top-" + std::to_string(t.topG) +
                   " or [END] outside the top-" + std::to_string(t.endG) + " flags; the distance is not used";
        return t;
    }
    const std::size_t allowed = binomialQuantile(normals.size(), targetFpr, 0.95);

    // [END]: the smallest g that keeps the normal sessions within the allowance, plus one rank of
    // margin: validation sessions do not show every normal ending (on HDFS, long blocks whose
    // [END] the model ranks second), while a session that stops early ranks it far lower.
    int largestEndRank = -1;
    for (const auto& s : normals) largestEndRank = std::max(largestEndRank, s.endRank);
    t.endG = 0;
    if (largestEndRank >= 0) {
        for (int g = 1; g <= largestEndRank + 1 && !t.endG; ++g) {
            std::size_t flagged = 0;
            for (const auto& s : normals) flagged += s.endRank >= g;
            if (flagged <= allowed) t.endG = g + 1;
        }
    }

    if (!anomalies.empty()) {
        // Labelled validation data: the best validation F1 over r and d.
        std::vector<double> distances;
        for (const auto* v : {&normals, &anomalies})
            for (const auto& s : *v) distances.push_back(s.distance);
        distances.push_back(std::numeric_limits<double>::infinity());
        std::sort(distances.begin(), distances.end());
        distances.erase(std::unique(distances.begin(), distances.end()), distances.end());
        double bestF1 = -1;
        Thresholds best = t;
        for (double r : ratioCandidates(normals, anomalies, t.topG)) {
            for (double d : distances) {
                Thresholds c = t;
                c.missRatio = r, c.distance = d;
                Confusion m;
                for (const auto& s : normals) m.add(false, c.flags(s));
                for (const auto& s : anomalies) m.add(true, c.flags(s));
                if (m.f1() > bestF1) {
                    bestF1 = m.f1();
                    best = c;
                }
            }
        }
        t = best;
        t.method = "best F1 on the labelled validation part (" + std::to_string(normals.size()) + " normal, " +
                   std::to_string(anomalies.size()) + " anomalous sessions): F1 " + number(bestF1);
        return t;
    }

    const auto ratios = ratioCandidates(normals, {}, t.topG);
    t.missRatio = ratios.back();
    for (double r : ratios)
        if (flaggedByMisses(normals, t.topG, r) <= allowed) {
            t.missRatio = r;
            break;
        }
    // Like the miss rules, the distance may flag `allowed` validation sessions (so that one or two
    // odd ones cannot move it), then the margin.
    std::vector<double> distances;
    for (const auto& s : normals) distances.push_back(s.distance);
    std::sort(distances.begin(), distances.end());
    const double beyondAllowed = distances[distances.size() - 1 - std::min(allowed, distances.size() - 1)];
    t.distance = distanceRule.margin * std::max(beyondAllowed, robustDistanceThreshold(normals, distanceRule.tail));
    t.method = std::to_string(normals.size()) + " normal validation sessions, each rule flagging at most " +
               std::to_string(allowed) + " of them (target false-positive rate " + number(targetFpr) +
               "); distance " + number(distanceRule.margin) + "x that point or a robust Pareto tail fit at " +
               number(distanceRule.tail) + ", whichever is larger";
    return t;
}

} // namespace logbert
