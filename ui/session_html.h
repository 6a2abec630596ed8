// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <vector>

#include "app/adapters/evaluation_runner.h"
#include "app/adapters/raw_line_loader.h"

namespace logbert::gui {

// One scored session as HTML, written once for the Results page's detail and the report, so both
// say the same thing: why it is (not) flagged in words, its keys with their template text, the
// keys the model missed with 1-based ranks, and its raw log lines with the missed keys' lines
// highlighted. Inline styles only: QTextBrowser, QTextDocument (PDF) and browsers all render it.

/// Screen: the Results page (cells wrap, lines in a table). Print: the report's PDF, where
/// QTextDocument splits a wrapped table row across pages, so cells stay one line (long templates
/// cut short) and log lines are paragraphs that a page break moves whole.
enum class SessionMedium { Screen, Print };

/// Heading, the reason lines, the key chips (hover: template, rank, probability) and the table
/// of misses at `t` (at most `maxMissRows` rows, the worst-ranked; 0: all).
QString sessionSummaryHtml(const Dataset& dataset, const ScoredSession& scored, const Thresholds& t,
                           std::size_t maxMissRows = 0, SessionMedium medium = SessionMedium::Screen);

/// The raw lines (RawLineLoader's answer for this session), wrapped, the lines whose key was a
/// miss at `t` highlighted; `total` is the session's line count, to say when only the first are
/// shown.
QString sessionLinesHtml(const Dataset& dataset, const ScoredSession& scored, const Thresholds& t,
                         const std::vector<SessionLine>& lines, SessionMedium medium = SessionMedium::Screen);

/// "0.412", "3.1e-07", "< 1e-45" (below float precision): a probability that is never "0".
QString probabilityText(double p);

/// 1-based rank in words: "1st", "2nd", "13th".
QString ordinal(std::uint64_t n);

} // namespace logbert::gui
