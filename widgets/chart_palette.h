// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

class QCustomPlot;
class QPalette;

namespace logbert::gui {

/// Colours a QCustomPlot from a widget palette: background, axes, tick labels, grid, legend and
/// title follow it, so that the charts turn dark with View › Dark palette instead of staying white.
/// Series keep their own colours.
void applyChartPalette(QCustomPlot* plot, const QPalette& palette);

} // namespace logbert::gui
