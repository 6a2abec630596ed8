// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/histogram_chart.h"

#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "widgets/chart_frame.h"
#include "widgets/chart_palette.h"

namespace logbert::gui {

void HistogramChart::changeEvent(QEvent* event) {
    followPaletteChange(event, plot_, this);
    QWidget::changeEvent(event);
}

HistogramChart::HistogramChart(QWidget* parent) : QWidget(parent), plot_(makeChartPlot(this)) {
    plot_->legend->setVisible(true);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    showHoverTooltips(plot_, [this](const QPoint& at) { return hoverTextAt(at); });
}

QString HistogramChart::hoverTextAt(const QPoint& pixel) const {
    const auto hit = barAt(plot_, pixel);
    if (!hit) return {};
    const double first = hit->key - binWidth_ / 2 + 0.5, last = hit->key + binWidth_ / 2 - 0.5;
    const QString range = binWidth_ > 1 ? QString("%1–%2").arg(first).arg(last) : QString::number(hit->key);
    return QString("%1\n%2 %3: %4").arg(hit->bars->name(), plot_->xAxis->label(), range).arg(hit->value);
}

void HistogramChart::setTitle(const QString& title, const QString& xLabel, const QString& yLabel) {
    plot_->plotLayout()->insertRow(0);
    plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold)));
    applyChartPalette(plot_, palette()); // the new title too
    plot_->xAxis->setLabel(xLabel);
    plot_->yAxis->setLabel(yLabel);
}

int HistogramChart::barSets() const { return plot_->plottableCount(); }

void HistogramChart::setData(const QStringList& names, const QVector<QColor>& colors,
                             const QVector<QVector<double>>& values, int maxBins) {
    plot_->clearPlottables();
    double lo = 0, hi = 1;
    bool any = false;
    for (const auto& v : values)
        for (double x : v) {
            lo = any ? std::min(lo, x) : x;
            hi = any ? std::max(hi, x) : x;
            any = true;
        }
    const double width = std::max(1.0, std::ceil((hi - lo + 1) / maxBins));
    binWidth_ = width;
    const int bins = int(std::floor((hi - lo) / width)) + 1;
    QVector<double> centers(bins);
    for (int b = 0; b < bins; ++b) centers[b] = lo + (b + 0.5) * width - 0.5;
    QCPBars* below = nullptr;
    for (int s = 0; s < values.size(); ++s) {
        QVector<double> counts(bins, 0.0);
        for (double x : values[s]) counts[std::min(bins - 1, int((x - lo) / width))] += 1;
        auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setName(names.value(s));
        bars->setPen(QPen(colors.value(s).darker(120)));
        bars->setBrush(colors.value(s));
        bars->setWidth(width * 0.9);
        bars->setData(centers, counts);
        if (below) bars->moveAbove(below);
        below = bars;
    }
    plot_->rescaleAxes();
    plot_->yAxis->setRangeLower(0);
    plot_->replot();
}

} // namespace logbert::gui
