// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/config/run_config.h"
#include "engine/core/job.h"
#include "engine/data/session.h"
#include "engine/data/vocabulary.h"
#include "engine/parsing/drain.h"

namespace logbert {

enum class Split : std::uint8_t { Excluded, Train, Validation, Test };
const char* splitName(Split s);
const char* labelName(Label l);

/// A log key and what it stands for.
struct TemplateInfo {
    std::int32_t key = 0;
    std::string text;        ///< Drain template, EventTemplate, or "key N" for sequence files
    std::uint64_t count = 0; ///< lines (or positions) with this key in the read data
};

/// Figures from reading the inputs.
struct ReadStats {
    std::uint64_t linesRead = 0;
    std::uint64_t linesMatched = 0;
    std::uint64_t linesUnmatched = 0;
    std::vector<std::string> unmatchedExamples;
    std::uint64_t linesWithoutSession = 0;
    std::uint64_t sessionsBeforeSampling = 0;
    double seconds = 0;
};

struct LengthStats {
    std::size_t sessions = 0;
    std::size_t minLength = 0, maxLength = 0, medianLength = 0, p95Length = 0;
    double meanLength = 0;
};

/// Everything between the log files and training: labelled sessions of log keys, their split,
/// the key templates, the parser state and the vocabulary of the training keys.
struct Dataset {
    std::vector<std::string> files;     ///< every file read, in order (LineRef::file indexes it)
    std::vector<Session> sessions;      ///< after sampling
    std::vector<Split> splits;          ///< one per session
    std::vector<TemplateInfo> templates;
    std::shared_ptr<const Drain> parser; ///< for raw inputs: parses new logs into the same keys
    Vocabulary vocabulary;
    ReadStats stats;
    std::string labelSource;            ///< how labels were found, for the summary
    std::vector<std::string> warnings;

    std::vector<const Session*> sessionsIn(Split split) const;
    std::size_t count(Split split, Label label) const;
    /// Where a key came from: its template text ("" when unknown).
    std::string templateText(std::int32_t key) const;
};

/// Reads, parses, sessionizes, labels, samples and splits the data the config describes.
/// With `trainedParser`, raw logs are matched against its templates and never learned from, so
/// keys mean what they meant when a model was trained (detection on new logs).
/// Throws InputError for bad input, Cancelled when the job is cancelled.
Dataset buildDataset(const DataConfig& config, const JobControl& job = {}, const Drain* trainedParser = nullptr);

LengthStats lengthStats(const std::vector<const Session*>& sessions);

/// Writes a human-readable summary (the output of `logbert dataset`).
std::string describeDataset(const Dataset& dataset, const DataConfig& config);

} // namespace logbert
