// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/detection/evaluation.h"

#include "engine/training/run_lock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "engine/detection/baselines.h"
#include "engine/detection/detector_reports.h"
#include "engine/detection/evaluation_cache.h"
#include "engine/io/atomic_file.h"
#include "engine/io/csv.h"
#include "engine/io/json_writer.h"
#include "engine/training/run_folder.h"

namespace logbert {

const DetectorReport* EvaluationResult::detector(const std::string& key) const {
    for (const auto& d : detectors)
        if (d.key == key) return &d;
    return nullptr;
}

namespace {

/// At most `count` values spread over the sorted unique values (always keeping both ends).
std::vector<double> thinned(std::vector<double> values, std::size_t count) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (values.size() <= count) return values;
    std::vector<double> out;
    for (std::size_t i = 0; i < count; ++i) out.push_back(values[i * (values.size() - 1) / (count - 1)]);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

template <typename Flag>
SweepPoint sweepPoint(const std::vector<ScoredSession>& sessions, double threshold, Flag flag) {
    SweepPoint p;
    p.threshold = threshold;
    std::size_t valNormals = 0, valFlagged = 0;
    for (const auto& s : sessions) {
        const bool f = flag(s.score);
        if (s.split == Split::Test) p.test.add(s.label == Label::Anomaly, f);
        else if (s.label == Label::Normal) {
            ++valNormals;
            valFlagged += f;
        }
    }
    p.validationFpr = valNormals ? double(valFlagged) / double(valNormals) : 0;
    return p;
}

void writeConfusion(JsonWriter& j, const Confusion& c) {
    j.field("tp", c.tp).field("fp", c.fp).field("fn", c.fn).field("tn", c.tn);
    j.field("precision", c.precision()).field("recall", c.recall()).field("f1", c.f1());
    j.field("accuracy", c.accuracy()).field("specificity", c.specificity()).field("fpr", c.fpr());
}

void writeDetector(JsonWriter& j, const DetectorReport& d, double projectNormals) {
    j.key(d.key).beginObject();
    writeConfusion(j, d.test);
    if (projectNormals > 0) j.field("projected_f1", d.test.projectedF1(projectNormals));
    j.field("name", d.name).field("description", d.description);
    j.endObject();
}

void writeSweep(JsonWriter& j, const std::vector<SweepPoint>& sweep) {
    j.beginArray();
    for (const auto& p : sweep) {
        j.beginObject().field("threshold", p.threshold);
        writeConfusion(j, p.test);
        j.field("validation_fpr", p.validationFpr).endObject();
    }
    j.endArray();
}

} // namespace

EvaluationResult evaluateRun(const std::string& runDir, std::shared_ptr<const Dataset> dataset, const JobControl& control,
                             int threads) {
    SessionScorer scorer(runDir);
    const RunConfig& config = scorer.config();
    if (!dataset) {
        control.report("reading data", 0, 0);
        dataset = std::make_shared<Dataset>(buildDataset(config.data, control));
    }
    const Dataset& d = *dataset;
    if (d.vocabulary.keys() != scorer.vocabulary().keys())
        throw InputError(runDir, 0, "the data gives another vocabulary than the one this run was trained with");

    EvaluationResult result;
    result.maskPasses = config.detection.maskPasses;
    std::vector<const Session*> toScore;
    for (std::size_t i = 0; i < d.sessions.size(); ++i) {
        const Split split = d.splits[i];
        const Label label = d.sessions[i].label;
        if ((split != Split::Validation && split != Split::Test) || label == Label::Unknown) continue;
        ScoredSession s;
        s.index = std::uint32_t(i);
        s.split = split;
        s.label = label;
        result.sessions.push_back(s);
        toScore.push_back(&d.sessions[i]);
        const bool anomaly = label == Label::Anomaly;
        if (split == Split::Validation) (anomaly ? result.validationAnomaly : result.validationNormal)++;
        else (anomaly ? result.testAnomaly : result.testNormal)++;
    }
    if (result.testNormal + result.testAnomaly == 0)
        throw InputError(runDir, 0, "the data has no labelled test sessions to evaluate on");

    const auto start = std::chrono::steady_clock::now();
    auto scores = scorer.score(toScore, control, threads);
    result.scoringSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.sessionsScored = toScore.size();

    std::vector<SessionScore> validationNormals, validationAnomalies;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        result.sessions[i].score = std::move(scores[i]);
        const auto& s = result.sessions[i];
        if (s.split != Split::Validation) continue;
        (s.label == Label::Anomaly ? validationAnomalies : validationNormals).push_back(s.score);
    }
    const Thresholds chosen = chooseThresholds(validationNormals, validationAnomalies, config.detection.topG, config.detection.targetFpr,
                                               DistanceRule{config.detection.distanceTail, config.detection.distanceMargin});

    control.report("baselines", 0, 0);
    const BaselineDetectors baselines(d.sessionsIn(Split::Train), config.detection.topG);
    control.throwIfCancelled();
    for (auto& s : result.sessions) {
        if ((&s - result.sessions.data()) % 2048 == 0) control.throwIfCancelled();
        const Session& session = d.sessions[s.index];
        s.unseenKey = baselines.unseenKey(session);
        s.unseenKeySet = baselines.unseenKeySet(session);
        s.nextKeyMisses = std::uint32_t(baselines.nextKeyMisses(session));
    }
    applyThresholds(result, chosen);
    return result;
}

void applyThresholds(EvaluationResult& result, const Thresholds& t) {
    result.thresholds = t;
    for (auto& s : result.sessions) s.flagged = t.flags(s.score);
    result.detectors = detectorReports(result.sessions, t);

    std::vector<double> ratios, distances;
    for (const auto& s : result.sessions) {
        ratios.push_back(s.score.missRatioAt(t.topG));
        distances.push_back(s.score.distance);
    }
    ratios.push_back(0);
    result.missSweep.clear();
    result.distanceSweep.clear();
    for (double r : thinned(ratios, 200))
        result.missSweep.push_back(sweepPoint(result.sessions, r, [&](const SessionScore& s) {
            const auto misses = s.missesAt(t.topG);
            return (misses > 0 && double(misses) / double(std::max(1u, s.keysMasked())) > r) || t.byEnd(s) ||
                   t.byDistance(s);
        }));
    for (double dist : thinned(distances, 200))
        result.distanceSweep.push_back(sweepPoint(result.sessions, dist, [&](const SessionScore& s) {
            return t.byMisses(s) || s.distance > dist;
        }));

    // The verdict: said plainly, including when a simple baseline wins.
    result.verdict = verdictText(result.sessions, t);
}

std::string evaluationJson(const EvaluationResult& r, double projectNormals) {
    JsonWriter j;
    j.beginObject();
    writeDetector(j, r.detectors[0], projectNormals);
    j.key("baselines").beginObject();
    for (const auto& d : r.detectors)
        if (d.key == "unseen_key" || d.key == "unseen_key_set" || d.key == "next_key") writeDetector(j, d, projectNormals);
    j.endObject();
    j.key("variants").beginObject();
    for (const auto& d : r.detectors)
        if (d.key == "logbert_misses" || d.key == "logbert_distance" || d.key == "combined") writeDetector(j, d, projectNormals);
    j.endObject();
    j.key("thresholds").beginObject()
        .field("top_g", r.thresholds.topG)
        .field("mask_passes", r.maskPasses)
        .field("miss_ratio", r.thresholds.missRatio)
        .field("end_g", r.thresholds.endG)
        .field("distance", r.thresholds.distance)
        .field("method", r.thresholds.method)
        .endObject();
    j.key("split").beginObject()
        .field("validation_normal", std::uint64_t(r.validationNormal))
        .field("validation_anomaly", std::uint64_t(r.validationAnomaly))
        .field("test_normal", std::uint64_t(r.testNormal))
        .field("test_anomaly", std::uint64_t(r.testAnomaly))
        .endObject();
    j.field("verdict", r.verdict);
    if (projectNormals > 0) j.field("projected_normals", projectNormals);
    j.key("timing").beginObject()
        .field("sessions_scored", std::uint64_t(r.sessionsScored))
        .field("seconds", r.scoringSeconds)
        .field("sessions_per_second", r.scoringSeconds > 0 ? double(r.sessionsScored) / r.scoringSeconds : 0.0)
        .endObject();
    j.key("sweeps").beginObject();
    j.key("miss_ratio");
    writeSweep(j, r.missSweep);
    j.key("distance");
    writeSweep(j, r.distanceSweep);
    j.endObject();
    j.endObject();
    return j.str() + "\n";
}

std::string evaluationTable(const EvaluationResult& r, double projectNormals) {
    std::ostringstream out;
    char line[256];
    std::snprintf(line, sizeof line, "%-28s %7s %7s %7s %7s %9s %7s %7s %9s%s\n", "detector", "TP", "FP", "FN", "TN",
                  "precision", "recall", "F1", "FPR", projectNormals > 0 ? "  proj. F1" : "");
    out << line;
    for (const auto& d : r.detectors) {
        const auto& c = d.test;
        char projected[32] = "";
        if (projectNormals > 0) std::snprintf(projected, sizeof projected, "  %9.4f", c.projectedF1(projectNormals));
        std::snprintf(line, sizeof line, "%-28s %7llu %7llu %7llu %7llu %9.4f %7.4f %7.4f %9.6f%s\n", d.name.c_str(),
                      (unsigned long long)c.tp, (unsigned long long)c.fp, (unsigned long long)c.fn,
                      (unsigned long long)c.tn, c.precision(), c.recall(), c.f1(), c.fpr(), projected);
        out << line;
    }
    if (projectNormals > 0)
        out << "proj. F1: F1 with the false positives scaled to " << std::llround(projectNormals)
            << " normal sessions at the same false-positive rate\n";
    out << "test: " << r.testNormal << " normal, " << r.testAnomaly << " anomalous sessions; thresholds: miss ratio > "
        << r.thresholds.missRatio << " (top-" << r.thresholds.topG << ")";
    if (r.thresholds.endG > 0) out << " or [END] outside the top-" << r.thresholds.endG;
    out << " or distance > " << r.thresholds.distance << "\n";
    out << "chosen on " << r.thresholds.method << "\n";
    out << r.verdict << "\n";
    return out.str();
}

void saveEvaluation(const std::string& runDir, const EvaluationResult& r, const Dataset& d) {
    const RunFolderLock lock(runDir, "evaluate"); // not while a training writes the folder
    writeFileAtomically(runFilePath(runDir, run_files::kResults), evaluationJson(r));
    AtomicFile file(runFilePath(runDir, run_files::kScores));
    auto& out = file.stream();
    out << "session,split,label,keys,masked,misses,miss_ratio,end_rank,distance,flagged,by_misses,by_distance,"
           "unseen_key,unseen_key_set,next_key_misses,missed\n";
    char buf[64];
    for (const auto& s : r.sessions) {
        writeCsvField(out, d.sessions[s.index].id);
        out << ',' << splitName(s.split) << ',' << labelName(s.label) << ',' << s.score.keys << ',' << s.score.masked
            << ',' << s.score.missesAt(r.thresholds.topG) << ',';
        std::snprintf(buf, sizeof buf, "%.6g,%d,%.6g", s.score.missRatioAt(r.thresholds.topG), s.score.endRank,
                      s.score.distance);
        out << buf << ',' << s.flagged << ',' << r.thresholds.byMisses(s.score) << ','
            << r.thresholds.byDistance(s.score) << ',' << s.unseenKey << ',' << s.unseenKeySet << ','
            << s.nextKeyMisses << ',';
        // "position:key@rank~probability>p1|p2|..." for every key that was not the first choice
        // (a miss when rank >= top_g), ';'-separated; key -2 is the end of the session.
        std::string missed;
        for (const auto& m : s.score.missed) {
            if (!missed.empty()) missed += ';';
            char probability[24];
            std::snprintf(probability, sizeof probability, "%.3g", double(m.probability));
            missed += std::to_string(m.position) + ':' + std::to_string(m.key) + '@' + std::to_string(m.rank) + '~' +
                      probability + '>';
            for (std::size_t k = 0; k < m.predictions.size(); ++k)
                missed += (k ? "|" : "") + std::to_string(m.predictions[k]);
        }
        out << missed << '\n';
    }
    file.commit();
    saveEvaluationCache(runDir, r, evaluationFingerprint(runDir, d));
}

} // namespace logbert
