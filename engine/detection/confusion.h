// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

namespace logbert {

/// A confusion matrix with anomalies as the positive class, and the figures derived from it.
/// Ratios with a zero denominator are 0.
struct Confusion {
    std::uint64_t tp = 0, fp = 0, fn = 0, tn = 0;

    void add(bool anomaly, bool flagged) {
        if (anomaly) (flagged ? tp : fn)++;
        else (flagged ? fp : tn)++;
    }
    std::uint64_t total() const { return tp + fp + fn + tn; }
    double precision() const { return tp + fp ? double(tp) / double(tp + fp) : 0.0; }
    double recall() const { return tp + fn ? double(tp) / double(tp + fn) : 0.0; }
    double f1() const {
        const double p = precision(), r = recall();
        return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
    }
    double accuracy() const { return total() ? double(tp + tn) / double(total()) : 0.0; }
    double specificity() const { return tn + fp ? double(tn) / double(tn + fp) : 0.0; }
    double fpr() const { return tn + fp ? double(fp) / double(tn + fp) : 0.0; }
    /// F1 if the normal sessions were `normals` instead of tn + fp, at the same false-positive
    /// rate: how a result on a sample of the normals projects to the full test set.
    double projectedF1(double normals) const {
        const double fpProjected = fpr() * normals;
        const double denominator = 2.0 * double(tp) + fpProjected + double(fn);
        return denominator > 0 ? 2.0 * double(tp) / denominator : 0.0;
    }
};

} // namespace logbert
