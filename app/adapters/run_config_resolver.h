// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

#include "engine/config/run_config.h"

namespace logbert::gui {

/// The pages' way to the engine's configuration layer (presets, layered YAML, validation). Each
/// call reads at most a few small YAML files, so the GUI thread may make it on every edit.

/// The built-in presets (test, mid, full) and any user presets the engine finds.
QStringList presetNameList();

/// A run config from a preset, a YAML file (a run YAML such as demo.yaml, or a data YAML) and
/// `key=value` overrides, in that order of precedence. Nothing, with `error` set to the engine's
/// one-line message (file:line: what was expected), when any layer is invalid.
std::optional<RunConfig> resolveRunConfig(const QString& preset, const QString& file, const QStringList& overrides,
                                          QString& error);

/// Writes a data YAML atomically and loads it back to validate it. The engine's message on error.
std::optional<RunConfig> writeDataConfig(const QString& path, const QString& yaml, QString& error);

} // namespace logbert::gui
