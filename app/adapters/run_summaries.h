// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

#include "engine/training/run_summary.h"

namespace logbert::gui {

/// The pages' way to finished and running run folders (engine: run_summary.h). Each call reads a
/// run's small files (config.yaml, run.json, metrics.csv), fast enough for the GUI thread.

/// The run folders under `runsFolder`, newest first.
QStringList runFolders(const QString& runsFolder);

/// "trained · 5 epochs · 2026-11-30T12:00:00Z", or "" when run.json cannot be read.
QString runStatusLine(const QString& runDir);

/// Config, cost figures and per-epoch losses of a run; the engine's message when unreadable.
std::optional<RunSummary> readRunSummary(const QString& runDir, QString& error);

} // namespace logbert::gui
