// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/chart_palette.h"

#include <QPalette>
#include <qcustomplot.h>

namespace logbert::gui {

void applyChartPalette(QCustomPlot* plot, const QPalette& palette) {
    const QColor base = palette.color(QPalette::Base), text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(45);
    plot->setBackground(base);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis, plot->xAxis2, plot->yAxis2}) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setSubGridPen(Qt::NoPen);
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    plot->legend->setBrush(base);
    plot->legend->setBorderPen(QPen(grid));
    plot->legend->setTextColor(text);
    for (int row = 0; row < plot->plotLayout()->rowCount(); ++row)
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(row, 0))) title->setTextColor(text);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace logbert::gui
