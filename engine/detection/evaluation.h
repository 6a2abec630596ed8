// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/job.h"
#include "engine/data/dataset.h"
#include "engine/detection/confusion.h"
#include "engine/detection/session_scorer.h"
#include "engine/detection/thresholds.h"

namespace logbert {

/// One detector's results on the test split (and on the validation split, for reference).
struct DetectorReport {
    std::string key;         ///< logbert, unseen_key, unseen_key_set, next_key, ...
    std::string name;        ///< for tables
    std::string description; ///< what it flags, in one sentence
    Confusion test;
};

/// A scored session of the validation or test split, with every detector's verdict.
struct ScoredSession {
    std::uint32_t index = 0; ///< into Dataset::sessions
    Split split = Split::Test;
    Label label = Label::Unknown;
    SessionScore score;
    bool flagged = false; ///< LogBERT at the chosen thresholds
    bool unseenKey = false, unseenKeySet = false;
    std::uint32_t nextKeyMisses = 0;
};

/// Test metrics as one threshold moves and the other stays where validation put it; what the
/// GUI's sliders show. The chosen point is marked by Thresholds.
struct SweepPoint {
    double threshold = 0;
    Confusion test;
    double validationFpr = 0;
};

struct EvaluationResult {
    Thresholds thresholds;
    int maskPasses = 0;
    std::size_t validationNormal = 0, validationAnomaly = 0, testNormal = 0, testAnomaly = 0;
    /// logbert first, then logbert_misses, logbert_distance, the baselines, and combined.
    std::vector<DetectorReport> detectors;
    std::vector<SweepPoint> missSweep, distanceSweep;
    std::vector<ScoredSession> sessions;
    std::string verdict; ///< LogBERT against the baselines, said plainly
    double scoringSeconds = 0;
    std::size_t sessionsScored = 0;

    const DetectorReport* detector(const std::string& key) const;
};

/// Scores a trained run's validation and test sessions, chooses thresholds on validation data,
/// and measures LogBERT and the baselines on the test split. `dataset` may be the one training
/// used; when null it is rebuilt from the run's config. `threads` 0: the run's training.threads.
/// Throws InputError, Cancelled.
EvaluationResult evaluateRun(const std::string& runDir, std::shared_ptr<const Dataset> dataset,
                             const JobControl& control = {}, int threads = 0);

/// Puts LogBERT's rule at `t` (the validation choice, or thresholds a user gives): each session's
/// flag, every detector's row, the sweeps around `t` and the verdict follow it.
void applyThresholds(EvaluationResult& result, const Thresholds& t);

/// Writes results.json, scores.csv and evaluation.bin (evaluation_cache.h) into the run folder,
/// each atomically.
void saveEvaluation(const std::string& runDir, const EvaluationResult& result, const Dataset& dataset);

/// The `--json` form of results: {"logbert": {...}, "baselines": {...}, ...}. With
/// `projectNormals` > 0 each detector also gets "projected_f1": its F1 if the test set had that
/// many normal sessions at the same false-positive rate (a sample of the normals -> the full set).
std::string evaluationJson(const EvaluationResult& result, double projectNormals = 0);

/// A plain-text table of every detector (with a projected F1 column, as above).
std::string evaluationTable(const EvaluationResult& result, double projectNormals = 0);

} // namespace logbert
