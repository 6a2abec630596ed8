// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/session_html.h"

#include <QStringList>
#include <algorithm>
#include <map>

namespace logbert::gui {

namespace {
constexpr const char* kMissBackground = "#f5b7b1";
constexpr const char* kHitBackground = "#d5f5e3";
constexpr const char* kLineHighlight = "#fde2e0";

QString esc(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

QString keyLabel(std::int32_t key) { return key == Vocabulary::kEndKey ? "[END]" : QString::number(key); }

QString templateOf(const Dataset& d, std::int32_t key) {
    if (key == Vocabulary::kEndKey) return "the session ends here";
    const std::string text = d.templateText(key);
    return text.empty() ? "no template (a key of a sequence file)" : QString::fromStdString(text);
}

/// A miss at `t`: outside the top-g for a key, outside the top-endG for [END] (never when that
/// rule is off).
bool isMiss(const MissedKey& m, const Thresholds& t) {
    if (m.key == Vocabulary::kEndKey) return t.endG > 0 && m.rank >= std::uint32_t(t.endG);
    return m.rank >= std::uint32_t(t.topG);
}

QString predictionList(const MissedKey& m) {
    QStringList keys;
    for (auto k : m.predictions) keys << keyLabel(k);
    return keys.join(", ");
}

QString outcomeWords(const ScoredSession& s, bool flagged) {
    if (s.label == Label::Unknown) return "unlabelled";
    if (s.label == Label::Anomaly) return flagged ? "labelled anomaly: a true positive (TP)" : "labelled anomaly: missed (FN)";
    return flagged ? "labelled normal: a false alarm (FP)" : "labelled normal: a true negative (TN)";
}

/// One line per rule of Thresholds::flags, saying whether it fires and against what.
QString reasonsHtml(const ScoredSession& s, const Thresholds& t) {
    const SessionScore& sc = s.score;
    auto row = [](bool fires, const QString& text) {
        return QString("<li>%1 %2</li>").arg(fires ? "<b>fires:</b>" : "not met:", text);
    };
    QString html = "<ul style='margin-top:2px'>";
    html += row(t.byKeyMisses(sc), QString("%1 of %2 masked keys were outside the model's top %3 (share %4; flags above r = %5)")
                                       .arg(sc.missesAt(t.topG)).arg(sc.keysMasked()).arg(t.topG)
                                       .arg(sc.missRatioAt(t.topG), 0, 'f', 3).arg(t.missRatio, 0, 'f', 3));
    if (t.endG <= 0) html += "<li>[END] rule not used</li>";
    else if (sc.endRank < 0) html += "<li>[END] not scored for this session</li>";
    else
        html += row(t.byEnd(sc), QString("[END] ranked %1 where the session ends (flags when outside the top %2)")
                                     .arg(ordinal(std::uint64_t(sc.endRank) + 1)).arg(t.endG));
    html += row(t.byDistance(sc), QString("distance to the centre of normal sessions %1 (flags above %2)")
                                      .arg(sc.distance, 0, 'g', 4).arg(t.distance, 0, 'g', 4));
    return html + "</ul>";
}

QString chipsHtml(const Dataset& d, const Session& session, const ScoredSession& s, const Thresholds& t) {
    std::map<std::uint32_t, const MissedKey*> byPosition;
    for (const auto& m : s.score.missed) byPosition[m.position] = &m;
    QString html = "<p style='line-height:170%'>";
    for (std::uint32_t p = 0; p <= session.keys.size(); ++p) {
        const bool end = p == session.keys.size();
        if (end && s.score.endRank < 0) break;
        const std::int32_t key = end ? Vocabulary::kEndKey : session.keys[p];
        auto it = byPosition.find(p);
        const bool miss = it != byPosition.end() && isMiss(*it->second, t);
        QString tip = QString("%1: %2").arg(end ? "[END]" : "key " + QString::number(key), templateOf(d, key));
        if (it == byPosition.end()) tip += " · the model's first choice";
        else
            tip += QString(" · ranked %1 (p = %2) · the model expected %3")
                       .arg(ordinal(std::uint64_t(it->second->rank) + 1), probabilityText(it->second->probability),
                            predictionList(*it->second));
        html += QString("<span title=\"%1\" style='background:%2;color:#1b1b1b'>&nbsp;%3&nbsp;</span> ")
                    .arg(tip.toHtmlEscaped(), miss ? kMissBackground : kHitBackground, keyLabel(key));
    }
    return html + "</p>";
}

/// `text` cut to `chars` characters with an ellipsis (print cells stay one line).
QString cut(const QString& text, int chars) { return text.size() <= chars ? text : text.left(chars - 1) + "…"; }

QString missTableHtml(const Dataset& d, const ScoredSession& s, const Thresholds& t, std::size_t maxRows, SessionMedium medium) {
    const bool print = medium == SessionMedium::Print;
    // In session order; when cut to maxRows, the rows kept are the worst-ranked misses.
    std::vector<const MissedKey*> misses;
    for (const auto& m : s.score.missed)
        if (isMiss(m, t)) misses.push_back(&m);
    const std::size_t all = misses.size();
    if (maxRows && all > maxRows) {
        std::stable_sort(misses.begin(), misses.end(), [](auto* a, auto* b) { return a->rank > b->rank; });
        misses.resize(maxRows);
        std::sort(misses.begin(), misses.end(), [](auto* a, auto* b) { return a->position < b->position; });
    }
    QString rows;
    for (const MissedKey* miss : misses) {
        const MissedKey& m = *miss;
        QStringList expected;
        for (auto k : m.predictions) expected << keyLabel(k) + ": " + templateOf(d, k);
        const QString predicted = print ? cut(predictionList(m), 26) : predictionList(m);
        const QString templateText = print ? cut(templateOf(d, m.key), 46) : templateOf(d, m.key);
        rows += QString("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td title=\"%5\">%6</td><td%7>%8</td></tr>")
                    .arg(m.position + 1).arg(keyLabel(m.key)).arg(m.rank + 1).arg(probabilityText(m.probability).toHtmlEscaped())
                    .arg(expected.join("\n").toHtmlEscaped(), predicted.toHtmlEscaped(), print ? " style='white-space:nowrap'" : "",
                         templateText.toHtmlEscaped());
    }
    if (rows.isEmpty()) return "<p>No key outside the top-g.</p>";
    QString html = QString("<table border='1' cellspacing='0' cellpadding='3' width='100%'%1><thead><tr><th>position</th><th>key</th>")
                       .arg(print ? " style='font-size:small'" : "") +
                   "<th title='1: the first choice of the model'>rank</th><th>probability</th><th>the model expected</th><th>template of the key</th></tr></thead>" +
                   rows + "</table>";
    if (misses.size() < all)
        html += QString("<p style='color:gray'>the %1 worst-ranked of %2 misses%3</p>").arg(misses.size()).arg(all)
                    .arg(std::any_of(s.score.missed.begin(), s.score.missed.end(),
                                     [&](const MissedKey& m) { return m.key == Vocabulary::kEndKey && isMiss(m, t); })
                             ? " ([END] among them)" : "");
    return html;
}
} // namespace

QString ordinal(std::uint64_t n) {
    const std::uint64_t tens = n % 100, ones = n % 10;
    const char* suffix = (tens >= 11 && tens <= 13) ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th";
    return QString::number(n) + suffix;
}

QString probabilityText(double p) {
    if (!(p > 0)) return "< 1e-45"; // below float precision, not zero
    if (p >= 0.001) return QString::number(p, 'f', 3);
    return QString::number(p, 'e', 1);
}

QString sessionSummaryHtml(const Dataset& d, const ScoredSession& s, const Thresholds& t, std::size_t maxMissRows,
                           SessionMedium medium) {
    const Session& session = d.sessions[s.index];
    const bool flagged = t.flags(s.score);
    QString html = QString("<h3 style='margin-bottom:2px'>%1</h3>").arg(esc(session.id));
    html += QString("<p style='margin:2px 0'><b>%1</b> — %2 · %3 keys, each masked and predicted once</p>")
                .arg(flagged ? "Flagged" : "Not flagged", outcomeWords(s, flagged)).arg(s.score.keys);
    html += reasonsHtml(s, t);
    html += "<p style='margin:2px 0;color:gray'>Keys in order (red: outside the top-g; hover for the template, the rank "
            "and what the model expected):</p>";
    html += chipsHtml(d, session, s, t);
    return html + missTableHtml(d, s, t, maxMissRows, medium);
}

QString sessionLinesHtml(const Dataset& d, const ScoredSession& s, const Thresholds& t, const std::vector<SessionLine>& lines,
                         SessionMedium medium) {
    const bool print = medium == SessionMedium::Print;
    const Session& session = d.sessions[s.index];
    // Which key each raw line carries, and which of those keys were misses.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> positionOfLine;
    for (std::uint32_t p = 0; p < session.lines.size(); ++p)
        positionOfLine.emplace(std::pair{session.lines[p].file, session.lines[p].line}, p);
    std::map<std::uint32_t, const MissedKey*> missAt;
    for (const auto& m : s.score.missed)
        if (m.key != Vocabulary::kEndKey && isMiss(m, t)) missAt[m.position] = &m;

    // On screen a table (file:line | key | text); in print one paragraph per line, the wrapped
    // part indented under its text.
    QString html = print ? QString() : "<table cellspacing='0' cellpadding='2' width='100%' style='font-family:monospace;font-size:small'>";
    for (const SessionLine& l : lines) {
        if (!l.error.empty()) {
            html += print ? "<p>" + esc(l.error) + "</p>" : "<tr><td colspan='3'>" + esc(l.error) + "</td></tr>";
            continue;
        }
        const QString where = QString::fromStdString(d.files[l.file]).section('/', -1).toHtmlEscaped() + ":" +
                              QString::number(l.line.number);
        auto pos = positionOfLine.find({l.file, l.line.number});
        const MissedKey* miss = nullptr;
        QString key;
        if (pos != positionOfLine.end()) {
            key = QString::number(session.keys[pos->second]);
            auto m = missAt.find(pos->second);
            if (m != missAt.end()) miss = m->second;
        }
        const QString text = QString::fromUtf8(l.line.text.data(), int(l.line.text.size())).toHtmlEscaped() + (l.line.cut ? " …" : "");
        const QString style = miss ? QString(" style='background:%1'").arg(kLineHighlight) : QString();
        const QString tip = miss ? QString(" title=\"key %1 ranked %2: the model expected %3\"")
                                       .arg(key, ordinal(std::uint64_t(miss->rank) + 1), predictionList(*miss))
                                 : QString();
        if (print) {
            html += QString("<p style='font-family:monospace;font-size:small;margin:0;margin-left:24px;text-indent:-24px;"
                            "white-space:pre-wrap%1'><span style='color:gray'>%2</span> %3 %4</p>")
                        .arg(miss ? QString(";background-color:%1").arg(kLineHighlight) : QString(), where,
                             miss ? "<b>" + key + "</b>" : key, text);
            continue;
        }
        html += QString("<tr%1%2><td style='white-space:nowrap;color:gray'>%3</td><td>%4</td>"
                        "<td style='white-space:pre-wrap'>%5</td></tr>")
                    .arg(style, tip, where, miss ? "<b>" + key + "</b>" : key, text);
    }
    if (!print) html += "</table>";
    if (session.lines.size() > lines.size())
        html += QString("<p style='color:gray'>the first %1 of %2 lines</p>").arg(lines.size()).arg(session.lines.size());
    return html;
}

} // namespace logbert::gui
