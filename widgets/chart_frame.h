// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QPoint>
#include <QString>
#include <functional>
#include <optional>

class QCPBars;
class QCustomPlot;
class QEvent;
class QFont;
class QWidget;

namespace logbert::gui {

// What every chart widget of this folder sets up the same way around its QCustomPlot.

/// A plot filling `owner` (no margins), at least 240 x 160, in the owner's palette.
QCustomPlot* makeChartPlot(QWidget* owner);

/// Re-colours `plot` when `event` says the owner's or the application's palette changed.
void followPaletteChange(QEvent* event, QCustomPlot* plot, QWidget* owner);

/// The legend in a row of its own under the axes (inside them it covered the newest points),
/// wrapping after six entries.
void placeLegendBelow(QCustomPlot* plot, const QFont& font);

/// Shows `textAt(mouse position)` as a tooltip while the mouse moves over the plot ("" hides it).
void showHoverTooltips(QCustomPlot* plot, std::function<QString(const QPoint&)> textAt);

/// The bar under `pixel` (the top of a stack first), with its key and value.
struct BarHit {
    QCPBars* bars = nullptr;
    double key = 0, value = 0;
};
std::optional<BarHit> barAt(const QCustomPlot* plot, const QPoint& pixel);

} // namespace logbert::gui
