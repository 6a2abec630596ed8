// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QVector>

namespace logbert::gui {

/// TensorBoard's smoothing: an exponential moving average with weight `w` on the past, divided by
/// the weight it has gathered so far (1 - w^n), so that the first points are not pulled towards
/// the starting value (a plain EMA seeded with 0 starts low; one seeded with the first value sits
/// above a falling loss for the first steps).
class DebiasedEma {
public:
    explicit DebiasedEma(double weight = 0.9) : weight_(weight) {}
    double add(double value) {
        last_ = last_ * weight_ + (1 - weight_) * value;
        gathered_ = gathered_ * weight_ + (1 - weight_);
        return gathered_ > 0 ? last_ / gathered_ : value;
    }
    void reset(double weight) { *this = DebiasedEma(weight); }

private:
    double weight_;
    double last_ = 0, gathered_ = 0;
};

/// The whole series smoothed (a new weight on the slider).
inline QVector<double> debiasedEma(const QVector<double>& values, double weight) {
    DebiasedEma ema(weight);
    QVector<double> out;
    out.reserve(values.size());
    for (double v : values) out.push_back(ema.add(v));
    return out;
}

} // namespace logbert::gui
