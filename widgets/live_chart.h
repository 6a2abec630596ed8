// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QString>
#include <QTimer>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemTracer;

namespace logbert::gui {

/// A line chart for data that arrives while the user watches (losses, rates, resources).
/// Points are appended to buffers; the chart replots from a timer at most every `interval` ms
/// (default 50) and only when something changed, however fast points arrive, so the GUI thread
/// stays responsive. Knows nothing about the engine: series of (x, y) numbers.
class LiveChart : public QWidget {
    Q_OBJECT
public:
    explicit LiveChart(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setAxisLabels(const QString& x, const QString& y);
    /// Adds a series and returns its index. `points`: markers on the line (e.g. per-epoch values);
    /// `rightAxis`: plotted against the right-hand y axis (another unit).
    int addSeries(const QString& name, const QColor& color, bool points = false, bool rightAxis = false);
    void setRightAxisLabel(const QString& label);
    void setSeriesVisible(int series, bool visible);
    /// Log scale on y (values <= 0 are not drawn there, as QCustomPlot requires).
    void setLogarithmic(bool on);

    void append(int series, double x, double y);
    /// Replaces a series' points (e.g. a smoothed curve recomputed with another factor).
    void setSeriesData(int series, const QVector<double>& x, const QVector<double>& y, bool sortedByX = true);
    void clear();
    /// Removes every series (indices start again at 0).
    void removeAllSeries();

    int pointCount(int series) const;
    int seriesCount() const { return int(graphs_.size()); }
    /// Replots done so far (for tests and the responsiveness bench).
    int replotCount() const { return replots_; }
    /// The plot's background colour (it follows the palette).
    QColor background() const;
    void setReplotInterval(int milliseconds) { timer_.setInterval(milliseconds); }

    /// Writes the chart as PNG, PDF or SVG (by extension) or its data as CSV; false on failure.
    bool exportTo(const QString& path) const;

    QCustomPlot* plot() const { return plot_; }
    /// Draws what is buffered now instead of at the next tick (before an export or a grab).
    void flush();

    /// What hovering at `pixel` (plot coordinates) shows: the visible point nearest to it within
    /// kHoverPixels, as "series\nx label: x · y label: y"; "" when none is that close. The
    /// chart shows it as a tooltip and marks the point while the mouse moves over it.
    QString hoverTextAt(const QPoint& pixel) const;
    static constexpr double kHoverPixels = 24;
    /// Where a point of a series is drawn (tests hover there).
    QPoint pixelOf(int series, double x, double y) const;

protected:
    /// The chart follows the application's palette (light or dark).
    void changeEvent(QEvent* event) override;

private:

    void hover(const QPoint& pixel, const QPoint& global);
    struct Nearest {
        const QCPGraph* graph = nullptr;
        double x = 0, y = 0;
    };
    Nearest nearestPoint(const QPoint& pixel) const;

    QCustomPlot* plot_;
    QCPItemTracer* tracer_ = nullptr;
    QVector<QCPGraph*> graphs_;
    QVector<QVector<double>> pendingX_, pendingY_;
    QTimer timer_;
    bool dirty_ = false;
    int replots_ = 0;
};

} // namespace logbert::gui
