// SPDX-License-Identifier: GPL-3.0-or-later
#include "widgets/live_chart.h"

#include <QFile>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QFileInfo>
#include <QSvgGenerator>
#include <QTextStream>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "widgets/chart_frame.h"
#include "widgets/chart_palette.h"

namespace logbert::gui {

void LiveChart::changeEvent(QEvent* event) {
    followPaletteChange(event, plot_, this);
    QWidget::changeEvent(event);
}

LiveChart::LiveChart(QWidget* parent) : QWidget(parent), plot_(makeChartPlot(this)) {
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    placeLegendBelow(plot_, font());
    // Right-click: export the chart or its data.
    plot_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot_, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        for (const char* kind : {"PNG", "SVG", "PDF", "CSV"}) {
            menu.addAction(QString("Export %1…").arg(kind), this, [this, kind] {
                const QString ext = QString(kind).toLower();
                const QString path = QFileDialog::getSaveFileName(this, QString("Export %1").arg(kind), "chart." + ext,
                                                                  QString("%1 (*.%2)").arg(kind, ext));
                if (!path.isEmpty() && !exportTo(path)) QMessageBox::warning(this, "Export", "Could not write " + path);
            });
        }
        menu.exec(plot_->mapToGlobal(at));
    });
    // Hover: the nearest point's values, and a ring on it.
    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        hover(event->position().toPoint(), event->globalPosition().toPoint());
    });
    timer_.setInterval(50);
    connect(&timer_, &QTimer::timeout, this, &LiveChart::flush);
    timer_.start();
}

QColor LiveChart::background() const { return plot_->toPixmap(60, 40).toImage().pixelColor(1, 1); } // as drawn

void LiveChart::setTitle(const QString& title) {
    if (!qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
        plot_->plotLayout()->insertRow(0);
        plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, title, QFont(font().family(), font().pointSize() + 1, QFont::Bold)));
        applyChartPalette(plot_, palette()); // the new title too
    } else if (auto* text = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
        text->setText(title);
    }
}

void LiveChart::setAxisLabels(const QString& x, const QString& y) {
    plot_->xAxis->setLabel(x);
    plot_->yAxis->setLabel(y);
}

void LiveChart::setRightAxisLabel(const QString& label) {
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(label);
}

int LiveChart::addSeries(const QString& name, const QColor& color, bool points, bool rightAxis) {
    if (rightAxis) plot_->yAxis2->setVisible(true);
    QCPGraph* g = plot_->addGraph(plot_->xAxis, rightAxis ? plot_->yAxis2 : plot_->yAxis);
    g->setName(name);
    g->setPen(QPen(color, points ? 1.0 : 1.6));
    if (points) {
        g->setLineStyle(QCPGraph::lsLine);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 6));
    }
    graphs_.push_back(g);
    pendingX_.push_back({});
    pendingY_.push_back({});
    return int(graphs_.size()) - 1;
}

void LiveChart::setSeriesVisible(int series, bool visible) {
    graphs_[series]->setVisible(visible);
    dirty_ = true;
}

void LiveChart::setLogarithmic(bool on) {
    plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    plot_->yAxis->setTicker(on ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                               : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    dirty_ = true;
}

void LiveChart::append(int series, double x, double y) {
    pendingX_[series].push_back(x);
    pendingY_[series].push_back(y);
    dirty_ = true;
}

void LiveChart::setSeriesData(int series, const QVector<double>& x, const QVector<double>& y, bool sortedByX) {
    pendingX_[series].clear();
    pendingY_[series].clear();
    graphs_[series]->setData(x, y, sortedByX);
    dirty_ = true;
}

void LiveChart::removeAllSeries() {
    if (tracer_) { // it points at a graph about to go
        tracer_->setGraph(nullptr);
        tracer_->setVisible(false);
    }
    plot_->clearGraphs();
    graphs_.clear();
    pendingX_.clear();
    pendingY_.clear();
    dirty_ = true;
}

void LiveChart::clear() {
    for (int i = 0; i < graphs_.size(); ++i) {
        graphs_[i]->data()->clear();
        pendingX_[i].clear();
        pendingY_[i].clear();
    }
    dirty_ = true;
}

int LiveChart::pointCount(int series) const { return graphs_[series]->dataCount() + pendingX_[series].size(); }

void LiveChart::flush() {
    if (!dirty_) return;
    for (int i = 0; i < graphs_.size(); ++i) {
        if (pendingX_[i].isEmpty()) continue;
        graphs_[i]->addData(pendingX_[i], pendingY_[i], /*alreadySorted=*/true);
        pendingX_[i].clear();
        pendingY_[i].clear();
    }
    plot_->rescaleAxes(true);
    // Linear axes of non-negative data start at 0, so that small series (threads) stay visible;
    // 5% headroom keeps the highest points (a flat memory line) off the plot's frame.
    for (QCPAxis* axis : {plot_->yAxis, plot_->yAxis2}) {
        if (axis->scaleType() == QCPAxis::stLinear && axis->range().lower > 0) axis->setRangeLower(0);
        if (axis->scaleType() == QCPAxis::stLogarithmic && axis->range().lower <= 0) axis->setRangeLower(1e-4);
        const QCPRange r = axis->range();
        if (axis->scaleType() == QCPAxis::stLinear && r.size() > 0) axis->setRangeUpper(r.upper + 0.05 * r.size());
        if (axis->scaleType() == QCPAxis::stLogarithmic && r.upper > 0) axis->setRangeUpper(r.upper * 1.25);
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
    dirty_ = false;
    ++replots_;
}

namespace {
QString number(double v) {
    if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e12) return QString::number(qint64(std::llround(v)));
    return QString::number(v, 'g', 5);
}
} // namespace

LiveChart::Nearest LiveChart::nearestPoint(const QPoint& pixel) const {
    Nearest best;
    double bestDistance = kHoverPixels;
    for (const QCPGraph* g : graphs_) {
        if (!g->visible() || g->data()->isEmpty()) continue;
        const QCPAxis* keyAxis = g->keyAxis();
        const QCPAxis* valueAxis = g->valueAxis();
        // Points are sorted by x: look around the x under the mouse, a few points either way
        // (enough for any curve whose neighbours are drawn more than a pixel apart).
        const double key = keyAxis->pixelToCoord(pixel.x());
        auto it = g->data()->findBegin(key, true);
        for (int i = 0; i < 16 && it != g->data()->constBegin(); ++i) --it;
        for (int i = 0; i < 32 && it != g->data()->constEnd(); ++i, ++it) {
            if (!std::isfinite(it->value)) continue;
            const double dx = keyAxis->coordToPixel(it->key) - pixel.x(), dy = valueAxis->coordToPixel(it->value) - pixel.y();
            const double distance = std::hypot(dx, dy);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = {g, it->key, it->value};
            }
        }
    }
    return best;
}

QString LiveChart::hoverTextAt(const QPoint& pixel) const {
    const Nearest n = nearestPoint(pixel);
    if (!n.graph) return {};
    const QString xLabel = n.graph->keyAxis()->label().isEmpty() ? "x" : n.graph->keyAxis()->label();
    const QString yLabel = n.graph->valueAxis()->label().isEmpty() ? "y" : n.graph->valueAxis()->label();
    return QString("%1\n%2: %3 · %4: %5").arg(n.graph->name(), xLabel, number(n.x), yLabel, number(n.y));
}

QPoint LiveChart::pixelOf(int series, double x, double y) const {
    const QCPGraph* g = graphs_[series];
    return QPoint(int(std::lround(g->keyAxis()->coordToPixel(x))), int(std::lround(g->valueAxis()->coordToPixel(y))));
}

void LiveChart::hover(const QPoint& pixel, const QPoint& global) {
    const Nearest n = nearestPoint(pixel);
    if (!tracer_) {
        tracer_ = new QCPItemTracer(plot_);
        tracer_->setStyle(QCPItemTracer::tsCircle);
        tracer_->setSize(9);
        tracer_->setInterpolating(false);
    }
    const bool wasVisible = tracer_->visible();
    if (n.graph) {
        tracer_->setGraph(const_cast<QCPGraph*>(n.graph));
        tracer_->setGraphKey(n.x);
        tracer_->setPen(QPen(n.graph->pen().color(), 2));
        tracer_->setVisible(true);
        QToolTip::showText(global, hoverTextAt(pixel), plot_);
    } else {
        tracer_->setVisible(false);
        QToolTip::hideText();
    }
    if (n.graph || wasVisible) plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool LiveChart::exportTo(const QString& path) const {
    const_cast<LiveChart*>(this)->flush(); // what is buffered goes into the file too
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext == "png") return plot_->savePng(path, 0, 0, 2.0);
    if (ext == "pdf") return plot_->savePdf(path);
    if (ext == "svg") {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(plot_->size());
        svg.setViewBox(QRect(QPoint(0, 0), plot_->size()));
        QCPPainter painter(&svg);
        plot_->toPainter(&painter, plot_->width(), plot_->height());
        return painter.end();
    }
    if (ext == "csv") {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
        QTextStream out(&file);
        out << "series,x,y\n";
        for (const QCPGraph* g : graphs_)
            for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
                out << '"' << g->name() << "\"," << it->key << ',' << it->value << '\n';
        return file.error() == QFile::NoError;
    }
    return false;
}

} // namespace logbert::gui
