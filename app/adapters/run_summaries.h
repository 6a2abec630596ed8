// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

#include "engine/training/run_activity.h"
#include "engine/training/run_summary.h"

namespace logbert::gui {

/// The pages' way to finished and running run folders (engine: run_summary.h). Each call reads a
/// run's small files (config.yaml, run.json, metrics.csv), fast enough for the GUI thread.

/// The run folders under `runsFolder`, newest first.
QStringList runFolders(const QString& runsFolder);

/// Config, cost figures and per-epoch losses of a run; the engine's message when unreadable.
/// Without `withLogs`, metrics.csv and resources.csv are left unread (a RunFollower holds them).
std::optional<RunSummary> readRunSummary(const QString& runDir, QString& error, bool withLogs = true);

/// A config value of a run summary ("section.key"), or "" when the run has none.
QString configValue(const RunSummary& summary, const std::string& key);

/// The user's name for a run (or its folder's), and renaming it; false with the engine's message.
QString runName(const QString& runDir);
bool renameRun(const QString& runDir, const QString& name, QString& error);

/// Whether another process writes the run now, and otherwise how it ended (engine: run_activity.h).
RunActivity runActivity(const QString& runDir);

} // namespace logbert::gui
