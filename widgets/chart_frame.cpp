// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/chart_frame.h"

#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "widgets/chart_palette.h"

namespace logbert::gui {

QCustomPlot* makeChartPlot(QWidget* owner) {
    auto* plot = new QCustomPlot(owner);
    auto* layout = new QVBoxLayout(owner);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot);
    plot->setMinimumSize(240, 160);
    applyChartPalette(plot, owner->palette());
    return plot;
}

void followPaletteChange(QEvent* event, QCustomPlot* plot, QWidget* owner) {
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyChartPalette(plot, owner->palette());
}

void placeLegendBelow(QCustomPlot* plot, const QFont& font) {
    plot->legend->setVisible(true);
    plot->legend->setFont(font);
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(1, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(1, 0.001);
    plot->plotLayout()->setRowSpacing(0);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(6);
    plot->legend->setMargins(QMargins(4, 2, 4, 2));
}

void showHoverTooltips(QCustomPlot* plot, std::function<QString(const QPoint&)> textAt) {
    plot->setMouseTracking(true);
    QObject::connect(plot, &QCustomPlot::mouseMove, plot, [plot, textAt = std::move(textAt)](QMouseEvent* event) {
        const QString text = textAt(event->position().toPoint());
        if (text.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(event->globalPosition().toPoint(), text, plot);
    });
}

std::optional<BarHit> barAt(const QCustomPlot* plot, const QPoint& pixel) {
    for (int i = plot->plottableCount() - 1; i >= 0; --i) { // drawn last: on top
        auto* bars = qobject_cast<QCPBars*>(const_cast<QCustomPlot*>(plot)->plottable(i));
        QVariant details;
        if (!bars || bars->selectTest(pixel, false, &details) < 0) continue;
        const QCPDataSelection hit = details.value<QCPDataSelection>();
        if (hit.isEmpty()) continue;
        const auto point = bars->data()->at(hit.dataRange().begin());
        return BarHit{bars, point->key, point->value};
    }
    return std::nullopt;
}

} // namespace logbert::gui
