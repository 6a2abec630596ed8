// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/dataset.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace logbert {

const char* splitName(Split s) {
    switch (s) {
    case Split::Excluded: return "excluded";
    case Split::Train: return "train";
    case Split::Validation: return "validation";
    case Split::Test: return "test";
    }
    return "?";
}

const char* labelName(Label l) {
    switch (l) {
    case Label::Normal: return "normal";
    case Label::Anomaly: return "anomaly";
    case Label::Unknown: return "unlabelled";
    }
    return "?";
}

std::vector<const Session*> Dataset::sessionsIn(Split split) const {
    std::vector<const Session*> out;
    for (std::size_t i = 0; i < sessions.size(); ++i)
        if (splits[i] == split) out.push_back(&sessions[i]);
    return out;
}

std::size_t Dataset::count(Split split, Label label) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < sessions.size(); ++i)
        if (splits[i] == split && sessions[i].label == label) ++n;
    return n;
}

std::string Dataset::templateText(std::int32_t key) const {
    auto it = std::lower_bound(templates.begin(), templates.end(), key,
                               [](const TemplateInfo& t, std::int32_t k) { return t.key < k; });
    return it != templates.end() && it->key == key ? it->text : std::string();
}

LengthStats lengthStats(const std::vector<const Session*>& sessions) {
    LengthStats st;
    st.sessions = sessions.size();
    if (sessions.empty()) return st;
    std::vector<std::size_t> lengths;
    lengths.reserve(sessions.size());
    double sum = 0;
    for (const Session* s : sessions) {
        lengths.push_back(s->keys.size());
        sum += double(s->keys.size());
    }
    std::sort(lengths.begin(), lengths.end());
    st.minLength = lengths.front();
    st.maxLength = lengths.back();
    st.medianLength = lengths[lengths.size() / 2];
    st.p95Length = lengths[std::min(lengths.size() - 1, std::size_t(double(lengths.size()) * 0.95))];
    st.meanLength = sum / double(lengths.size());
    return st;
}

std::string describeDataset(const Dataset& d, const DataConfig& config) {
    std::ostringstream out;
    char buf[256];
    out << "dataset " << (config.name.empty() ? "(unnamed)" : config.name) << ": " << d.files.size()
        << " file" << (d.files.size() == 1 ? "" : "s") << "\n";
    if (d.stats.linesRead) {
        std::snprintf(buf, sizeof buf, "  lines read %llu, matched %llu, unmatched %llu, without a session %llu\n",
                      (unsigned long long)d.stats.linesRead, (unsigned long long)d.stats.linesMatched,
                      (unsigned long long)d.stats.linesUnmatched,
                      (unsigned long long)d.stats.linesWithoutSession);
        out << buf;
    }
    out << "  log keys " << d.templates.size() << ", labels: " << d.labelSource << "\n";
    std::snprintf(buf, sizeof buf, "  sessions %llu read, %zu kept (sample_ratio %g)\n",
                  (unsigned long long)d.stats.sessionsBeforeSampling, d.sessions.size(), config.sampleRatio);
    out << buf;
    out << "\n  split        normal   anomaly  unlabelled  len min/median/mean/p95/max\n";
    for (Split s : {Split::Train, Split::Validation, Split::Test, Split::Excluded}) {
        auto in = d.sessionsIn(s);
        if (in.empty() && s == Split::Excluded) continue;
        LengthStats ls = lengthStats(in);
        std::snprintf(buf, sizeof buf, "  %-11s %7zu  %8zu  %10zu  %zu/%zu/%.1f/%zu/%zu\n", splitName(s),
                      d.count(s, Label::Normal), d.count(s, Label::Anomaly), d.count(s, Label::Unknown),
                      ls.minLength, ls.medianLength, ls.meanLength, ls.p95Length, ls.maxLength);
        out << buf;
    }
    out << "\n  vocabulary " << d.vocabulary.size() << " tokens (" << d.vocabulary.keyCount()
        << " training keys + PAD, UNK, MASK, DIST, END)\n";
    std::snprintf(buf, sizeof buf, "  read in %.2f s\n", d.stats.seconds);
    out << buf;
    for (const auto& w : d.warnings) out << "warning: " << w << "\n";
    return out.str();
}

} // namespace logbert
