// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/report.h"

#include <QApplication>
#include <QBuffer>
#include <QFile>
#include <QPageSize>
#include <QPrinter>
#include <QStyle>
#include <QTextDocument>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "app/adapters/run_summaries.h"
#include "widgets/live_chart.h"

namespace logbert::gui {

namespace {
QString png(LiveChart& chart) {
    chart.resize(900, 420);
    chart.flush();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    chart.plot()->toPixmap(900, 420).save(&buffer, "PNG");
    return "<img src='data:image/png;base64," + QString::fromLatin1(bytes.toBase64()) + "'>";
}

QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

QString metricRow(const DetectorReport& d) {
    const Confusion& c = d.test;
    return QString("<tr><td title='%1'>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td>"
                   "<td><b>%9</b></td><td>%10</td></tr>")
        .arg(esc(d.description), esc(d.name)).arg(c.tp).arg(c.fp).arg(c.fn).arg(c.tn)
        .arg(c.precision(), 0, 'f', 4).arg(c.recall(), 0, 'f', 4).arg(c.f1(), 0, 'f', 4).arg(c.fpr(), 0, 'f', 5);
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
    const EvaluationResult& r = *run.result;
    const Dataset& d = *run.dataset;
    const auto loaded = readRunSummary(run.runDir, error);
    if (!loaded) return false;
    const RunSummary& summary = *loaded;
    QString html;
    html += "<html><head><meta charset='utf-8'><title>LogBERT report</title><style>"
            "body{font-family:sans-serif;max-width:1000px;margin:auto} table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:3px 6px} pre{font-size:11px;background:#f6f6f6;padding:6px}"
            "</style></head><body>";
    html += "<h1>LogBERT report</h1><p>Run <code>" + run.runDir.toHtmlEscaped() + "</code> · " +
            esc(summary.info.updated) + "</p>";
    html += "<h2>Verdict</h2><p>" + esc(r.verdict) + "</p>";
    html += QString("<h2>Dataset</h2><p>%1 files, %2 lines (%3 unmatched), %4 templates, %5 sessions. "
                    "Test: %6 normal, %7 anomalous sessions; validation: %8 normal.</p>")
                .arg(d.files.size()).arg(d.stats.linesRead).arg(d.stats.linesUnmatched).arg(d.templates.size())
                .arg(d.sessions.size()).arg(r.testNormal).arg(r.testAnomaly).arg(r.validationNormal);
    html += QString("<h2>Training</h2><p>%1 parameters · %2 epochs, %3 steps in %4 s · %5 sequences/s · training memory %6 MiB "
                    "(process peak %9 MiB) · %7, %8 threads</p>")
                .arg(summary.info.parameters).arg(summary.info.epochsDone).arg(summary.info.steps)
                .arg(summary.info.trainingSeconds, 0, 'f', 0).arg(summary.info.sequencesPerSecond, 0, 'f', 1)
                .arg(summary.info.trainingRssMegabytes, 0, 'f', 0).arg(esc(summary.info.device)).arg(summary.info.threads)
                .arg(summary.info.peakRssMegabytes, 0, 'f', 0);
    // The report is printed on white whatever the window's palette.
    const QPalette paper = QApplication::style()->standardPalette();
    LiveChart loss;
    loss.setPalette(paper);
    loss.setTitle("Loss");
    loss.setAxisLabels("step", "loss");
    const int train = loss.addSeries("training loss", QColor(31, 119, 180));
    const int validation = loss.addSeries("validation loss", QColor(214, 39, 40), true);
    for (const auto& row : summary.metrics) {
        if (row.kind == MetricsRow::Kind::Step) loss.append(train, double(row.step), row.loss);
        else if (std::isfinite(row.validationLoss)) loss.append(validation, double(row.step), row.validationLoss);
    }
    html += png(loss);

    html += "<h2>Detection on the test split</h2><table><tr><th>detector</th><th>TP</th><th>FP</th><th>FN</th><th>TN</th>"
            "<th>precision</th><th>recall</th><th>F1</th><th>FPR</th></tr>";
    for (const auto& det : r.detectors) html += metricRow(det);
    html += "</table><p>Thresholds (chosen on validation data only): " + esc(r.thresholds.method) + "</p>";
    LiveChart f1;
    f1.setPalette(paper);
    f1.setTitle("F1 on the test split as the miss ratio r moves (others fixed)");
    f1.setAxisLabels("r", "F1");
    const int curve = f1.addSeries("F1", QColor(44, 160, 44));
    const int chosen = f1.addSeries("chosen on validation", QColor(214, 39, 40), true);
    double chosenF1 = 0, best = -1;
    for (const auto& p : r.missSweep) {
        f1.append(curve, p.threshold, p.test.f1());
        if (std::fabs(p.threshold - r.thresholds.missRatio) < std::fabs(best - r.thresholds.missRatio)) {
            best = p.threshold;
            chosenF1 = p.test.f1();
        }
    }
    if (best >= 0) f1.append(chosen, best, chosenF1);
    html += png(f1);

    // The flagged anomalies and false alarms with the most misses, with their log lines.
    const auto top = reportSessions(r);
    std::size_t flaggedCount = 0;
    for (const auto& s : r.sessions) flaggedCount += s.split == Split::Test && s.flagged;
    html += QString("<h2>Top flagged sessions (%1 flagged in all)</h2>").arg(flaggedCount);
    for (const ScoredSession* scored : top) {
        const ScoredSession& s = *scored;
        const Session& session = d.sessions[s.index];
        html += QString("<h3>%1 — %2</h3><p>%3 keys, %4 outside the top-%5, [END] rank %6, distance %7</p>")
                    .arg(esc(session.id), s.label == Label::Anomaly ? "anomaly" : "<b>normal (false alarm)</b>")
                    .arg(s.score.keys).arg(s.score.missesAt(r.thresholds.topG)).arg(r.thresholds.topG)
                    .arg(s.score.endRank).arg(s.score.distance, 0, 'g', 4);
        auto it = lines.find(s.index);
        if (it == lines.end() || it->second.empty()) continue;
        html += "<pre>";
        for (const SessionLine& l : it->second) {
            if (!l.error.empty()) {
                html += esc(l.error) + "\n";
                continue;
            }
            html += QString("%1:%2  %3\n").arg(QString::fromStdString(d.files[l.file]).section('/', -1).toHtmlEscaped())
                        .arg(l.line.number).arg(QString::fromUtf8(l.line.text.data(), int(l.line.text.size())).toHtmlEscaped());
        }
        html += "</pre>";
    }
    html += "<h2>Configuration</h2><pre>";
    for (const auto& [key, value] : summary.config) html += esc(key) + ": " + esc(value) + "\n";
    html += "</pre></body></html>";

    QFile file(htmlPath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(html.toUtf8()) < 0) {
        error = htmlPath + ": cannot write (" + file.errorString() + ")";
        return false;
    }
    file.close();
    if (!pdfPath.isEmpty()) {
        QPrinter printer(QPrinter::HighResolution);
        printer.setOutputFormat(QPrinter::PdfFormat);
        printer.setOutputFileName(pdfPath);
        printer.setPageSize(QPageSize(QPageSize::A4));
        QTextDocument document;
        document.setHtml(html);
        document.print(&printer);
        if (!QFile::exists(pdfPath)) {
            error = pdfPath + ": cannot write the PDF";
            return false;
        }
    }
    return true;
}

} // namespace logbert::gui
