// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <vector>

#include "app/adapters/evaluation_runner.h"
#include "app/adapters/raw_line_loader.h"

namespace logbert::gui {

/// Writes the report of an evaluated run for stakeholders: one self-contained HTML file (charts
/// embedded as PNG) and, when `pdfPath` is given, the same document as PDF. It holds the dataset
/// summary, the config, the loss curves, LogBERT's metrics beside the baselines' with the
/// verdict, the F1-vs-r curve with the validation-chosen point, and the top flagged sessions with
/// their log lines (`lines`: RawLineLoader's answer for reportSessionIndices, at most
/// kReportLines each). False with `error` set when a file cannot be written.
bool exportReport(const EvaluatedRun& run, const SessionLinesMap& lines, const QString& htmlPath, const QString& pdfPath,
                  QString& error);

inline constexpr std::size_t kReportSessions = 6, kReportLines = 24, kReportMissRows = 8;

/// The test sessions the report shows: flagged ones with the most misses first.
std::vector<const ScoredSession*> reportSessions(const EvaluationResult& result);
std::vector<std::uint32_t> reportSessionIndices(const EvaluationResult& result);

} // namespace logbert::gui
