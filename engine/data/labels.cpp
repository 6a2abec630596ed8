// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/labels.h"

#include <cctype>
#include <unordered_map>

#include "engine/core/errors.h"
#include "engine/io/csv.h"

namespace logbert {

Label parseLabel(std::string_view text, bool inlineStyle) {
    if (inlineStyle) return text == "-" ? Label::Normal : text.empty() ? Label::Unknown : Label::Anomaly;
    std::string lower;
    for (char c : text) lower += char(std::tolower((unsigned char)c));
    if (lower == "normal" || lower == "0" || lower == "false") return Label::Normal;
    if (lower == "anomaly" || lower == "abnormal" || lower == "1" || lower == "true") return Label::Anomaly;
    return Label::Unknown;
}

LabelFileReport applyLabelFile(const std::string& path, std::vector<Session>& sessions) {
    CsvReader csv(path);
    int idCol = csv.column("BlockId");
    if (idCol < 0) idCol = csv.column("SessionId");
    if (idCol < 0) idCol = 0;
    const int labelCol = csv.requireColumn("Label");
    if (idCol == labelCol) throw InputError(path, 1, "expected an id column and a Label column");

    std::unordered_map<std::string_view, Session*> byId;
    for (auto& s : sessions) {
        byId.emplace(s.id, &s);
        s.label = Label::Unknown;
    }
    LabelFileReport report;
    std::unordered_map<const Session*, long> labelledAt; // the row that labelled each session
    std::vector<std::string_view> row;
    while (csv.next(row)) {
        Label label = parseLabel(row[std::size_t(labelCol)], false);
        if (label == Label::Unknown)
            throw InputError(path, csv.rowLine(),
                             "expected Label Normal or Anomaly, found '" +
                                 std::string(row[std::size_t(labelCol)]) + "'");
        auto it = byId.find(row[std::size_t(idCol)]);
        if (it == byId.end()) {
            if (report.unknownExamples.size() < 3) report.unknownExamples.emplace_back(row[std::size_t(idCol)]);
            ++report.unknownIds;
            continue;
        }
        // Listed twice with opposite labels: which one is true cannot be guessed (the last one
        // won silently and turned 125 HDFS anomalies into 3,875; issue 13).
        auto [first, isNew] = labelledAt.emplace(it->second, csv.rowLine());
        if (!isNew && it->second->label != label)
            throw InputError(path, csv.rowLine(),
                             std::string(row[std::size_t(idCol)].substr(0, 80)) + " is labelled " +
                                 (label == Label::Anomaly ? "Anomaly" : "Normal") + " here and " +
                                 (label == Label::Anomaly ? "Normal" : "Anomaly") + " on line " +
                                 std::to_string(first->second) + "; a session has one label");
        if (it->second->label == Label::Unknown) ++report.labelled;
        it->second->label = label;
    }
    for (const auto& s : sessions)
        if (s.label == Label::Unknown) {
            if (report.unlabelledExamples.size() < 3) report.unlabelledExamples.push_back(s.id);
            ++report.unlabelled;
        }
    return report;
}

} // namespace logbert
