// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/report.h"

#include <QApplication>
#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QStyle>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QUrl>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "app/adapters/demo_data_writer.h"
#include "app/adapters/run_summaries.h"
#include "ui/session_html.h"
#include "widgets/live_chart.h"

namespace logbert::gui {

namespace {
// The report is one body written once and rendered twice: by a browser (report.html, a richer
// stylesheet, charts as data URLs) and by QTextDocument into the PDF (sizes in points, charts as
// document resources). So the body keeps to what both render: tables with attributes, inline
// colours, no layout CSS.

QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

QString duration(double seconds) {
    const auto s = std::llround(seconds);
    if (s < 60) return QString("%1 s").arg(s);
    if (s < 3600) return QString("%1 min %2 s").arg(s / 60).arg(s % 60);
    return QString("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// --- charts -------------------------------------------------------------------------------------

struct ReportCharts {
    QImage loss, f1;
};

QImage render(LiveChart& chart, int width, int height, double scale) {
    chart.resize(width, height);
    chart.flush();
    return chart.plot()->toPixmap(width, height, scale).toImage();
}

/// The loss curves and F1-vs-r, drawn on white whatever the window's palette (paper).
ReportCharts drawCharts(const RunSummary& summary, const EvaluationResult& r, double scale) {
    const QPalette paper = QApplication::style()->standardPalette();
    ReportCharts charts;
    LiveChart loss;
    loss.setPalette(paper);
    loss.setTitle("Training and validation loss");
    loss.setAxisLabels("step", "loss");
    const int train = loss.addSeries("training loss", QColor(31, 119, 180));
    const int validation = loss.addSeries("validation loss (per epoch)", QColor(214, 39, 40), true);
    for (const auto& row : summary.metrics) {
        if (row.kind == MetricsRow::Kind::Step) loss.append(train, double(row.step), row.loss);
        else if (std::isfinite(row.validationLoss)) loss.append(validation, double(row.step), row.validationLoss);
    }
    charts.loss = render(loss, 860, 380, scale);

    LiveChart f1;
    f1.setPalette(paper);
    f1.setTitle("LogBERT's F1 on the test split as the miss ratio r moves (other thresholds fixed)");
    f1.setAxisLabels("miss ratio r", "F1");
    const int curve = f1.addSeries("F1", QColor(44, 160, 44));
    const int chosen = f1.addSeries("r chosen on validation", QColor(214, 39, 40), true);
    const SweepPoint* nearest = nullptr;
    for (const auto& p : r.missSweep) {
        f1.append(curve, p.threshold, p.test.f1());
        if (!nearest || std::fabs(p.threshold - r.thresholds.missRatio) < std::fabs(nearest->threshold - r.thresholds.missRatio))
            nearest = &p;
    }
    if (nearest) f1.append(chosen, nearest->threshold, nearest->test.f1());
    charts.f1 = render(f1, 860, 380, scale);
    return charts;
}

// --- sections -----------------------------------------------------------------------------------

QString tile(const QString& label, const QString& value, const QString& detail) {
    return QString("<td valign='top' width='25%'><span style='color:#57606a;font-size:small'>%1</span><br>"
                   "<span style='font-size:large'><b>%2</b></span><br><span style='font-size:small'>%3</span></td>")
        .arg(label, value, detail);
}

QString summaryCard(const EvaluatedRun& run, const RunSummary& summary, const std::vector<DetectorReport>& detectors) {
    const EvaluationResult& r = *run.result;
    const Dataset& d = *run.dataset;
    const RunInfo& info = summary.info;
    const DetectorReport* best = &detectors.front();
    for (const auto& det : detectors)
        if (det.test.f1() > best->test.f1() + 1e-12) best = &det;
    const Confusion& lb = detectors.front().test;
    QString html = "<table width='100%' cellspacing='0' cellpadding='10' bgcolor='#f6f8fa' border='1' "
                   "style='border-color:#d0d7de;border-style:solid'><tr>";
    html += tile("DATA", configValue(summary, "data.name").toHtmlEscaped(),
                 QString("%1 sessions · %2 templates<br>test: %3 normal, %4 anomalous")
                     .arg(d.sessions.size()).arg(d.templates.size()).arg(r.testNormal).arg(r.testAnomaly));
    html += tile("MODEL", QString("%1 preset").arg(configValue(summary, "preset").toHtmlEscaped()),
                 QString("hidden %1 · %2 layers · %3 heads<br>%4 parameters")
                     .arg(configValue(summary, "model.hidden_size"), configValue(summary, "model.num_hidden_layers"),
                          configValue(summary, "model.num_attention_heads"))
                     .arg(QLocale::c().toString(qlonglong(info.parameters))));
    html += tile("TRAINING", duration(info.trainingSeconds),
                 QString("%1 epochs, %2 steps · %3 sequences/s<br>training memory %4 MiB · %5, %6 threads")
                     .arg(info.epochsDone).arg(info.steps).arg(info.sequencesPerSecond, 0, 'f', 1)
                     .arg(info.trainingRssMegabytes, 0, 'f', 0).arg(esc(info.device)).arg(info.threads));
    html += tile("LOGBERT ON THE TEST SPLIT", QString("F1 %1").arg(lb.f1(), 0, 'f', 4),
                 QString("finds %1 of %2 anomalies, %3 false alarms<br>best detector: %4 (F1 %5)")
                     .arg(lb.tp).arg(lb.tp + lb.fn).arg(lb.fp).arg(esc(best->name)).arg(best->test.f1(), 0, 'f', 4));
    html += "</tr><tr><td colspan='4'><b>Verdict.</b> " + esc(r.verdict) + "</td></tr></table>";
    return html;
}

QString detectorSection(const EvaluationResult& r, const std::vector<DetectorReport>& detectors) {
    QString html = "<h2>Detection on the test split</h2>";
    html += "<table class='metrics' border='1' cellspacing='0' cellpadding='4' width='100%'><thead><tr>"
            "<th align='left'>detector</th><th>TP</th><th>FP</th><th>FN</th><th>TN</th><th>precision</th><th>recall</th>"
            "<th>F1</th><th>FPR</th></tr></thead>";
    double bestF1 = 0;
    for (const auto& det : detectors) bestF1 = std::max(bestF1, det.test.f1());
    for (const auto& det : detectors) {
        const Confusion& c = det.test;
        const bool best = c.f1() >= bestF1 - 5e-5;
        html += QString("<tr%1><td>%2</td><td align='right'>%3</td><td align='right'>%4</td><td align='right'>%5</td>"
                        "<td align='right'>%6</td><td align='right'>%7</td><td align='right'>%8</td>"
                        "<td align='right'><b>%9</b></td><td align='right'>%10</td></tr>")
                    .arg(best ? " bgcolor='#e6f4ea'" : "", esc(det.name)).arg(c.tp).arg(c.fp).arg(c.fn).arg(c.tn)
                    .arg(c.precision(), 0, 'f', 4).arg(c.recall(), 0, 'f', 4).arg(c.f1(), 0, 'f', 4).arg(c.fpr(), 0, 'f', 5);
    }
    html += "</table><p style='font-size:small'>Green: the highest F1. TP: anomalies found, FP: normal sessions flagged, "
            "FN: anomalies missed, TN: normal sessions passed. Thresholds were chosen on validation data only: " +
            esc(r.thresholds.method) + ".</p>";
    html += "<h3>What each detector does</h3><table cellspacing='0' cellpadding='3' width='100%'>";
    for (const auto& det : detectors)
        html += QString("<tr><td valign='top' width='24%'><b>%1</b></td><td>%2</td></tr>").arg(esc(det.name), esc(det.description));
    return html + "</table>";
}

QString sessionsSection(const EvaluatedRun& run, const SessionLinesMap& lines, SessionMedium medium) {
    const EvaluationResult& r = *run.result;
    std::size_t flagged = 0, falseAlarms = 0;
    for (const auto& s : r.sessions)
        if (s.split == Split::Test && s.flagged) ++flagged, falseAlarms += s.label == Label::Normal;
    const auto top = reportSessions(r);
    QString html = QString("<h2>Top flagged sessions</h2><p>%1 test sessions are flagged (%2 of them false alarms); "
                           "these are the %3 with the most keys the model did not expect. Red keys and highlighted "
                           "lines are the ones outside the model's top-%4 guesses.</p>")
                       .arg(flagged).arg(falseAlarms).arg(top.size()).arg(r.thresholds.topG);
    for (const ScoredSession* s : top) {
        html += "<hr>" + sessionSummaryHtml(*run.dataset, *s, r.thresholds, kReportMissRows, medium);
        auto it = lines.find(s->index);
        if (it != lines.end() && !it->second.empty())
            html += "<p style='margin-bottom:2px'><b>Log lines</b> (highlighted: a key outside the top-g)</p>" +
                    sessionLinesHtml(*run.dataset, *s, r.thresholds, it->second, medium);
    }
    return html;
}

QString configSection(const RunSummary& summary) {
    QString html = "<h2>Configuration</h2><table cellspacing='0' cellpadding='2' style='font-family:monospace;font-size:small'>";
    for (const auto& [key, value] : summary.config)
        html += "<tr><td valign='top'>" + esc(key) + "</td><td style='white-space:pre-wrap'>" + esc(value) + "</td></tr>";
    return html + "</table>";
}

/// The whole report body; its charts are placeholders (<img-loss>, <img-f1>) each renderer fills.
QString reportBody(const EvaluatedRun& run, const RunSummary& summary, const SessionLinesMap& lines, SessionMedium medium) {
    auto image = [](const QString& name) { return "<img-" + name + ">"; };
    const EvaluationResult& r = *run.result;
    const auto detectors = detectorReports(r.sessions, r.thresholds);
    QString html = "<h1>LogBERT report: " + configValue(summary, "data.name").toHtmlEscaped() + "</h1>";
    html += "<p style='color:#57606a'>Run <code>" + run.runDir.toHtmlEscaped() + "</code> · updated " +
            esc(summary.info.updated) + "</p>";
    html += summaryCard(run, summary, detectors);
    if (configValue(summary, "data.name") == "hdfs-demo")
        html += "<p style='font-size:small;color:#57606a'>" + DemoDataWriter::note().toHtmlEscaped() + "</p>";
    html += detectorSection(r, detectors);
    // The charts start a page: a heading alone at the foot of page 1 read as an orphan.
    html += "<h2 style='page-break-before:always'>How the model learned</h2>" + image("loss");
    html += "<p style='font-size:small'>The training loss is the masked-key prediction loss plus the hypersphere term, "
            "per step; the validation loss is the same on held-out normal sessions after each epoch.</p>";
    html += image("f1");
    html += sessionsSection(run, lines, medium);
    html += configSection(summary);
    return html;
}

// --- output -------------------------------------------------------------------------------------

QString pngDataUrl(const QImage& image) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return "data:image/png;base64," + QString::fromLatin1(bytes.toBase64());
}

bool writeHtml(const QString& path, const QString& body, const ReportCharts& charts, QString& error) {
    const QString css =
        "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1b1b1b;max-width:1040px;"
        "margin:24px auto;padding:0 18px;line-height:1.45}"
        "h1{font-size:26px;margin-bottom:4px} h2{margin-top:32px;border-bottom:1px solid #d0d7de;padding-bottom:4px}"
        "table{border-collapse:collapse} td,th{border-color:#d0d7de} table.metrics td,table.metrics th{padding:4px 8px}"
        "img{max-width:100%;height:auto} hr{border:0;border-top:1px solid #d0d7de;margin:22px 0}"
        "code{background:#f6f8fa;padding:1px 4px;border-radius:4px}";
    auto image = [&](const QString& name) {
        const QImage& img = name == "loss" ? charts.loss : charts.f1;
        return "<p><img alt='" + name + " chart' src='" + pngDataUrl(img) + "'></p>";
    };
    QString html = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>LogBERT report</title><style>" + css +
                   "</style></head><body>" + body + "</body></html>";
    // The body names its charts by placeholder so that both renderers can put them in.
    html.replace("<img-loss>", image("loss")).replace("<img-f1>", image("f1"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(html.toUtf8()) < 0) {
        error = path + ": cannot write (" + file.errorString() + ")";
        return false;
    }
    return true;
}

/// A paragraph that would straddle a page break starts the next page instead (QTextDocument has
/// no "avoid" break policy): a log line cut in two across pages read as two lines. Table cells
/// stay one line in print (SessionMedium::Print), so no table row can straddle either.
void keepParagraphsWhole(QTextDocument& document) {
    const double pageHeight = document.pageSize().height();
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        if (QTextCursor(block).currentTable()) continue;
        const QRectF rect = document.documentLayout()->blockBoundingRect(block);
        if (rect.height() >= pageHeight || rect.height() <= 0) continue;
        const int first = int(rect.top() / pageHeight), last = int((rect.bottom() - 1) / pageHeight);
        if (first == last) continue;
        QTextBlockFormat format = block.blockFormat();
        format.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
        QTextCursor(block).setBlockFormat(format); // the layout below it moves; later blocks are measured anew
    }
}

/// A4 with 15 mm margins, fonts in points: QTextDocument lays the body out at the writer's own
/// resolution, so text keeps its size and the charts are scaled to the text width.
bool writePdf(const QString& path, const QString& body, const ReportCharts& charts, QString& error) {
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    writer.setResolution(300);
    writer.setTitle("LogBERT report");
    writer.setCreator("LogBERT Workbench");
    const QRectF page = writer.pageLayout().paintRectPixels(writer.resolution());
    QTextDocument document;
    document.documentLayout()->setPaintDevice(&writer);
    document.setPageSize(page.size());
    document.setDocumentMargin(0);
    QFont font("DejaVu Sans");
    font.setPointSizeF(9);
    document.setDefaultFont(font);
    document.setDefaultStyleSheet("h1{font-size:17pt} h2{font-size:13pt} h3{font-size:10.5pt} code{font-family:monospace}");
    // <img> sizes are in 96-dpi pixels: QTextDocument scales them by the writer's resolution.
    const int width = int(page.width() * 96.0 / writer.resolution());
    document.addResource(QTextDocument::ImageResource, QUrl("report:loss"), charts.loss);
    document.addResource(QTextDocument::ImageResource, QUrl("report:f1"), charts.f1);
    auto image = [&](const QString& name, const QImage& img) {
        const int height = int(double(width) * img.height() / std::max(1, img.width()));
        return QString("<p><img src='report:%1' width='%2' height='%3'></p>").arg(name).arg(width).arg(height);
    };
    QString html = body;
    html.replace("<img-loss>", image("loss", charts.loss)).replace("<img-f1>", image("f1", charts.f1));
    document.setHtml(html);
    keepParagraphsWhole(document);
    document.print(&writer);
    if (!QFileInfo(path).isFile() || QFileInfo(path).size() == 0) {
        error = path + ": cannot write the PDF";
        return false;
    }
    return true;
}
} // namespace

std::vector<const ScoredSession*> reportSessions(const EvaluationResult& r) {
    std::vector<const ScoredSession*> flagged;
    for (const auto& s : r.sessions)
        if (s.split == Split::Test && s.flagged) flagged.push_back(&s);
    std::stable_sort(flagged.begin(), flagged.end(), [&](const ScoredSession* a, const ScoredSession* b) {
        return a->score.missesAt(r.thresholds.topG) > b->score.missesAt(r.thresholds.topG);
    });
    if (flagged.size() > kReportSessions) flagged.resize(kReportSessions);
    return flagged;
}

std::vector<std::uint32_t> reportSessionIndices(const EvaluationResult& r) {
    std::vector<std::uint32_t> indices;
    for (const ScoredSession* s : reportSessions(r)) indices.push_back(s->index);
    return indices;
}

bool exportReport(const EvaluatedRun& run, const SessionLinesMap& lines, const QString& htmlPath, const QString& pdfPath,
                  QString& error) {
    const auto summary = readRunSummary(run.runDir, error);
    if (!summary) return false;
    // Charts at twice their pixels: sharp in a browser on a high-DPI screen and in print.
    const ReportCharts charts = drawCharts(*summary, *run.result, 2.0);
    if (!writeHtml(htmlPath, reportBody(run, *summary, lines, SessionMedium::Screen), charts, error)) return false;
    return pdfPath.isEmpty() || writePdf(pdfPath, reportBody(run, *summary, lines, SessionMedium::Print), charts, error);
}

} // namespace logbert::gui
