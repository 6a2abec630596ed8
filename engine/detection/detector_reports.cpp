// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/detection/detector_reports.h"

#include <cstdio>

namespace logbert {

namespace {

enum Row { kLogbert, kMisses, kDistance, kUnseenKey, kUnseenSet, kNextKey, kCombined, kRows };

struct RowInfo {
    const char* key;
    const char* name;
    const char* description;
    const char* winMeans; ///< for a baseline that beats LogBERT: what that says about the data
};

// The descriptions are one line each for the Results page's tooltips and the report, in words a
// stakeholder follows without the paper.
constexpr RowInfo kRowInfo[kRows] = {
    {"logbert", "LogBERT",
     "the model: flags a session when too many of its log keys are not among the model's top-g guesses for them, "
     "or when its summary vector ([DIST]) lies far from those of normal sessions", ""},
    {"logbert_misses", "LogBERT misses only",
     "the model's guesses alone: the share of log keys outside its top-g guesses above r (the paper's rule), or "
     "the session ending where the model expected it to go on", ""},
    {"logbert_distance", "LogBERT distance only",
     "the model's summary alone: the distance of the session's [DIST] vector to the centre of normal sessions above d", ""},
    {"unseen_key", "Unseen key", "a simple rule: flags a session with a log key (message type) no normal training session has",
     "its anomalies bring log keys that no normal training session has"},
    {"unseen_key_set", "Unseen key set",
     "a simple rule: flags a session whose set of distinct log keys, ignoring their order and counts, is one no normal "
     "training session has",
     "its anomalies bring combinations of keys that no normal training session has"},
    {"next_key", "Next key (n-gram)",
     "a simple rule: flags a session where a key is not among the top-g successors of the 10 keys before it in "
     "training (DeepLog-style, n-gram counts with back-off instead of an LSTM)",
     "its anomalies break the order of keys in a way counts of the last 10 keys show"},
    {"combined", "LogBERT or unseen key set", "flags what LogBERT or the unseen-key-set rule flags", ""},
};

/// Every row's verdict on one session.
void flagsOf(const ScoredSession& s, const Thresholds& t, bool (&out)[kRows]) {
    out[kMisses] = t.byMisses(s.score);
    out[kDistance] = t.byDistance(s.score);
    out[kLogbert] = out[kMisses] || out[kDistance];
    out[kUnseenKey] = s.unseenKey;
    out[kUnseenSet] = s.unseenKeySet;
    out[kNextKey] = s.nextKeyMisses > 0;
    out[kCombined] = out[kLogbert] || out[kUnseenSet];
}

std::string fixed4(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
}

} // namespace

std::vector<DetectorReport> detectorReports(const std::vector<ScoredSession>& sessions, const Thresholds& t) {
    std::vector<DetectorReport> rows;
    for (const RowInfo& info : kRowInfo) rows.push_back(DetectorReport{info.key, info.name, info.description, {}});
    bool flags[kRows];
    for (const ScoredSession& s : sessions) {
        if (s.split != Split::Test) continue;
        flagsOf(s, t, flags);
        for (int r = 0; r < kRows; ++r) rows[std::size_t(r)].test.add(s.label == Label::Anomaly, flags[r]);
    }
    return rows;
}

std::string verdictText(const std::vector<ScoredSession>& sessions, const Thresholds& t) {
    const auto rows = detectorReports(sessions, t);
    std::uint64_t onlyLogbert = 0; // test anomalies LogBERT finds and no simple rule does
    bool flags[kRows];
    for (const ScoredSession& s : sessions) {
        if (s.split != Split::Test || s.label != Label::Anomaly) continue;
        flagsOf(s, t, flags);
        onlyLogbert += flags[kLogbert] && !flags[kUnseenKey] && !flags[kUnseenSet] && !flags[kNextKey];
    }
    const Confusion& l = rows[kLogbert].test;
    std::string v = "LogBERT finds " + std::to_string(l.tp) + " of " + plural(l.tp + l.fn, "test anomaly", "test anomalies") +
                    " with " + plural(l.fp, "false alarm", "false alarms") + " in " +
                    plural(l.fp + l.tn, "normal session", "normal sessions") + " (F1 " + fixed4(l.f1()) + ")";
    v += onlyLogbert ? "; " + std::to_string(onlyLogbert) + " of its finds no simple rule makes. " : ". ";

    std::vector<std::string> beats, ties, losesTo;
    const RowInfo* bestWinner = nullptr;
    double bestF1 = -1;
    for (int r : {kUnseenKey, kUnseenSet, kNextKey}) {
        const Confusion& c = rows[std::size_t(r)].test;
        const std::string name = std::string(kRowInfo[r].name) + " (F1 " + fixed4(c.f1());
        const std::string mine = fixed4(l.f1()), theirs = fixed4(c.f1());
        if (theirs == mine) ties.push_back(name + ")");
        else if (c.f1() < l.f1()) beats.push_back(name + ")");
        else {
            losesTo.push_back(name + ", " + plural(c.tp, "find", "finds") + ", " + plural(c.fp, "false alarm", "false alarms") + ")");
            if (c.f1() > bestF1) bestF1 = c.f1(), bestWinner = &kRowInfo[r];
        }
    }
    std::vector<std::string> parts;
    if (!beats.empty()) parts.push_back("beats " + joined(beats));
    if (!ties.empty()) parts.push_back("ties with " + joined(ties));
    if (!losesTo.empty()) parts.push_back("loses to " + joined(losesTo));
    v += "It ";
    for (std::size_t i = 0; i < parts.size(); ++i) v += (i == 0 ? "" : i + 1 == parts.size() ? ", and " : ", ") + parts[i];
    v += ".";
    if (bestWinner)
        v += std::string(" A simple rule does better on this data: ") + bestWinner->winMeans + ".";
    else if (!ties.empty() && beats.empty())
        v += " A simple rule does as well on this data.";
    v += " Combined (LogBERT or unseen key set): F1 " + fixed4(rows[kCombined].test.f1()) + ".";
    return v;
}

} // namespace logbert
