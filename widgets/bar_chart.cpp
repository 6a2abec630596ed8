// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/bar_chart.h"

#include <cmath>
#include <qcustomplot.h>

#include "widgets/chart_frame.h"
#include "widgets/chart_palette.h"

namespace logbert::gui {

namespace {
double offset(int series, int count) { return (series - (count - 1) / 2.0) * 0.8 / double(std::max(1, count)); }
} // namespace

void BarChart::changeEvent(QEvent* event) {
    followPaletteChange(event, plot_, this);
    QWidget::changeEvent(event);
}

BarChart::BarChart(QWidget* parent) : QWidget(parent), plot_(makeChartPlot(this)) {
    placeLegendBelow(plot_, font());
    plot_->xAxis->grid()->setVisible(false);
    showHoverTooltips(plot_, [this](const QPoint& at) { return hoverTextAt(at); });
}

void BarChart::setTitle(const QString& title, const QString& yLabel) {
    if (!qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
        plot_->plotLayout()->insertRow(0);
        plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold)));
        applyChartPalette(plot_, palette());
    } else if (auto* text = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
        text->setText(title);
    }
    plot_->yAxis->setLabel(yLabel);
    plot_->replot();
}

void BarChart::setData(const QStringList& categories, const QStringList& series, const QVector<QColor>& colors,
                       const QVector<QVector<double>>& values) {
    categories_ = categories, series_ = series, values_ = values;
    plot_->clearPlottables();
    // Side by side within a category: series s sits at c + 1 + offset(s), the group centred on it.
    const double width = 0.8 / double(std::max<qsizetype>(1, series.size()));
    for (int s = 0; s < series.size(); ++s) {
        auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setName(series[s]);
        bars->setPen(QPen(colors.value(s).darker(120)));
        bars->setBrush(colors.value(s));
        bars->setWidth(width * 0.92);
        QVector<double> keys, heights;
        for (int c = 0; c < categories.size(); ++c) {
            const double v = values.value(s).value(c, std::nan(""));
            if (!std::isfinite(v)) continue;
            keys << c + 1 + offset(s, int(series.size()));
            heights << v;
        }
        bars->setData(keys, heights, true);
    }
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int c = 0; c < categories.size(); ++c) ticker->addTick(c + 1, categories[c]);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(0.4, categories.size() + 0.6);
    plot_->yAxis->setRange(0, 1.05);
    plot_->replot();
}

double BarChart::value(int series, int category) const { return values_.value(series).value(category, std::nan("")); }

QPoint BarChart::barTop(int series, int category) const {
    const double key = category + 1 + offset(series, int(series_.size()));
    return QPoint(int(std::lround(plot_->xAxis->coordToPixel(key))), int(std::lround(plot_->yAxis->coordToPixel(value(series, category)))));
}

QString BarChart::hoverTextAt(const QPoint& pixel) const {
    const auto hit = barAt(plot_, pixel);
    if (!hit) return {};
    return QString("%1\n%2: %3").arg(hit->bars->name(), categories_.value(int(std::lround(hit->key)) - 1)).arg(hit->value, 0, 'f', 4);
}

} // namespace logbert::gui
