// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include "app/adapters/evaluation_runner.h"

namespace logbert::gui {

/// Writes the report of an evaluated run for stakeholders: one self-contained HTML file (charts
/// embedded as PNG) and, when `pdfPath` is given, the same document as PDF. It holds the dataset
/// summary, the config, the loss curves, LogBERT's metrics beside the baselines' with the
/// verdict, the F1-vs-r curve with the validation-chosen point, and the top flagged sessions with
/// their log lines. False with `error` set when a file cannot be written.
bool exportReport(const EvaluatedRun& run, const QString& htmlPath, const QString& pdfPath, QString& error);

} // namespace logbert::gui
