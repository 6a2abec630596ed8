// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/detection/detection_job.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <yaml-cpp/yaml.h>

#include "engine/config/yaml_limits.h"
#include "engine/core/errors.h"
#include "engine/data/dataset.h"
#include "engine/io/atomic_file.h"
#include "engine/io/csv.h"
#include "engine/io/state_file.h"
#include "engine/training/run_folder.h"

namespace logbert {
namespace fs = std::filesystem;

Thresholds loadThresholds(const std::string& runDir) {
    const std::string path = runFilePath(runDir, run_files::kResults);
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw InputError(runDir, 0, "has no results.json; run 'logbert evaluate " + runDir + "' first to choose thresholds");
    try {
        const YAML::Node root = loadConfigYaml(path, "results.json");
        const YAML::Node t = root["thresholds"];
        if (!t || !t.IsMap()) throw InputError(path, 0, "no 'thresholds' object");
        // Hand-edited or damaged files: every value in its domain, with the line that is not.
        auto shown = [](double x) {
            char text[32];
            std::snprintf(text, sizeof text, "%g", x);
            return std::string(text);
        };
        auto number = [&](const char* key, double lo, double hi, bool nullIsInfinity) {
            const YAML::Node v = t[key];
            if (!v) throw InputError(path, long(t.Mark().line) + 1, std::string("thresholds: no '") + key + "'");
            if (nullIsInfinity && v.IsNull()) return std::numeric_limits<double>::infinity();
            double x = 0;
            if (!v.IsScalar() || !YAML::convert<double>::decode(v, x) || !(x >= lo && x <= hi))
                throw InputError(path, long(v.Mark().line) + 1,
                                 std::string("thresholds.") + key + ": expected a number from " + shown(lo) + " to " + shown(hi) + ", found '" + (v.IsScalar() ? v.Scalar().substr(0, 40) : "?") + "'");
            return x;
        };
        auto whole = [&](const char* key, double lo, double hi) {
            const double x = number(key, lo, hi, false);
            if (x != std::floor(x))
                throw InputError(path, long(t[key].Mark().line) + 1, std::string("thresholds.") + key + ": expected a whole number");
            return int(x);
        };
        Thresholds out;
        out.topG = whole("top_g", 1, 1e6);
        out.missRatio = number("miss_ratio", 0, 1, false);
        out.endG = t["end_g"] ? whole("end_g", 0, 1e6) : 0;
        out.distance = number("distance", 0, std::numeric_limits<double>::max(), true);
        out.method = t["method"] && t["method"].IsScalar() ? t["method"].Scalar() : "";
        return out;
    } catch (const YAML::Exception& e) {
        throw InputError(path, long(e.mark.line) + 1, "malformed results.json: " + e.msg);
    }
}

DetectionResult detectAnomalies(const std::string& runDir, const std::vector<std::string>& files, const JobControl& control) {
    if (files.empty()) throw InputError("detect", 0, "expected at least one log file");
    const auto start = std::chrono::steady_clock::now();
    SessionScorer scorer(runDir);
    DetectionResult result;
    result.thresholds = loadThresholds(runDir);

    DataConfig data = scorer.config().data;
    const InputKind kind = data.inputs.empty() ? InputKind::Raw : data.inputs.front().kind;
    data.inputs.clear();
    for (const auto& f : files) {
        InputSpec in;
        in.path = f;
        in.kind = kind;
        in.role = InputRole::Test;
        in.label = kind == InputKind::DeepLog ? "normal" : ""; // placeholder: labels are not used here
        in.where = f;
        data.inputs.push_back(in);
    }
    data.labelSource = LabelSource::None;
    data.sampleRatio = 1.0;
    data.maxFiles = 0;

    std::shared_ptr<const Drain> parser;
    if (kind == InputKind::Raw) {
        const std::string path = runFilePath(runDir, run_files::kParser);
        requireStateFile(path, "Drain parser state", kMaxParserStateBytes);
        std::ifstream in(path);
        if (!in) throw InputError(path, 0, "cannot open the run's parser state");
        parser = std::make_shared<const Drain>(Drain::load(in, path));
    }
    const Dataset d = buildDataset(data, control, parser.get());
    result.linesRead = d.stats.linesRead;
    result.linesUnmatched = d.stats.linesUnmatched;
    std::vector<const Session*> sessions;
    for (const auto& s : d.sessions) {
        sessions.push_back(&s);
        for (auto k : s.keys) result.unknownKeys += k == 0;
    }
    result.sessions = sessions.size();
    const auto scores = scorer.score(sessions, control);
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        const Thresholds& t = result.thresholds;
        if (!t.flags(scores[i])) continue;
        FlaggedSession f;
        f.id = sessions[i]->id;
        f.score = scores[i];
        f.byMisses = t.byMisses(scores[i]);
        f.byDistance = t.byDistance(scores[i]);
        f.endedEarly = t.byEnd(scores[i]) && !t.byKeyMisses(scores[i]);
        for (const auto& l : sessions[i]->lines) f.lines.push_back(d.files[l.file] + ":" + std::to_string(l.line));
        result.flagged.push_back(std::move(f));
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

std::string reasonOf(const FlaggedSession& f) {
    std::string reason;
    if (f.byMisses) reason = f.endedEarly ? "ended early" : "misses";
    if (f.byDistance) reason += reason.empty() ? "distance" : "+distance";
    return reason;
}

void writeDetections(const std::string& path, const DetectionResult& r) {
    const int g = r.thresholds.topG;
    AtomicFile file(path);
    auto& out = file.stream();
    out << "session,keys,misses,miss_ratio,distance,reason,lines\n";
    char buf[64];
    for (const auto& f : r.flagged) {
        writeCsvField(out, f.id);
        std::snprintf(buf, sizeof buf, ",%u,%u,%.6g,%.6g,", f.score.keys, f.score.missesAt(g), f.score.missRatioAt(g), f.score.distance);
        out << buf << reasonOf(f) << ',';
        std::string lines;
        for (const auto& l : f.lines) lines += (lines.empty() ? "" : " ") + l;
        writeCsvField(out, lines);
        out << '\n';
    }
    file.commit();
}

} // namespace logbert
