// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;

namespace logbert::gui {

/// Stacked bars of counts per bin (e.g. session lengths of normal and anomalous sessions).
class HistogramChart : public QWidget {
    Q_OBJECT
public:
    explicit HistogramChart(QWidget* parent = nullptr);
    void setTitle(const QString& title, const QString& xLabel, const QString& yLabel);
    /// values[s] are the raw values of stack s; they are binned into at most `maxBins` bins.
    void setData(const QStringList& names, const QVector<QColor>& colors, const QVector<QVector<double>>& values,
                 int maxBins = 60);
    int barSets() const;
    QCustomPlot* plot() const { return plot_; }
    /// What hovering at `pixel` shows: the bar under it as "name\nx label a–b: count" ("" off the bars).
    QString hoverTextAt(const QPoint& pixel) const;

protected:
    /// The chart follows the application's palette (light or dark).
    void changeEvent(QEvent* event) override;

private:
    QCustomPlot* plot_;
    double binWidth_ = 1;
};

} // namespace logbert::gui
