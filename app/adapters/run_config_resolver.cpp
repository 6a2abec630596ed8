// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/run_config_resolver.h"

#include "engine/core/failure_message.h"

#include "engine/config/presets.h"
#include "engine/io/atomic_file.h"

namespace logbert::gui {

QStringList presetNameList() {
    QStringList names;
    for (const auto& name : presetNames()) names << QString::fromStdString(name);
    return names;
}

std::optional<RunConfig> resolveRunConfig(const QString& preset, const QString& file, const QStringList& overrides,
                                          QString& error) {
    ConfigSources s;
    s.presetName = preset.toStdString();
    for (const auto& o : overrides) s.overrides.push_back(o.toStdString());
    try {
        const std::string path = file.trimmed().toStdString();
        if (!path.empty()) (isRunFile(path) ? s.runFile : s.dataFile) = path; // its model and training settings count
        return loadRunConfig(s);
    } catch (const std::exception& e) {
        error = QString::fromStdString(failureMessage(e));
        return std::nullopt;
    }
}

std::optional<RunConfig> writeDataConfig(const QString& path, const QString& yaml, QString& error) {
    try {
        writeFileAtomically(path.toStdString(), yaml.toStdString());
        ConfigSources s;
        s.dataFile = path.toStdString();
        return loadRunConfig(s);
    } catch (const std::exception& e) {
        error = QString::fromStdString(failureMessage(e));
        return std::nullopt;
    }
}

} // namespace logbert::gui
