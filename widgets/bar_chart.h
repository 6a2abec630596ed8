// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;

namespace logbert::gui {

/// Grouped bars: one group per category (a detector), one bar per series (a run) in the series'
/// colour, so that a metric of several runs and detectors reads at a glance. Plain data in.
class BarChart : public QWidget {
    Q_OBJECT
public:
    explicit BarChart(QWidget* parent = nullptr);
    void setTitle(const QString& title, const QString& yLabel);
    /// values[s][c]: series s in category c; NaN leaves that bar out (a run without the detector).
    void setData(const QStringList& categories, const QStringList& series, const QVector<QColor>& colors,
                 const QVector<QVector<double>>& values);
    int seriesCount() const { return int(values_.size()); }
    /// The bar drawn for series s in category c (NaN when none).
    double value(int series, int category) const;
    /// Where the top of that bar is drawn (tests hover there).
    QPoint barTop(int series, int category) const;
    /// What hovering at `pixel` shows: "series\ncategory: value" for the bar under it, else "".
    QString hoverTextAt(const QPoint& pixel) const;
    QCustomPlot* plot() const { return plot_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    QCustomPlot* plot_;
    QStringList categories_, series_;
    QVector<QVector<double>> values_;
};

} // namespace logbert::gui
