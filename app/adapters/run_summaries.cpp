// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/run_summaries.h"

#include "engine/core/failure_message.h"

#include "engine/training/run_folder.h"
#include "engine/training/run_name.h"

namespace logbert::gui {

QStringList runFolders(const QString& runsFolder) {
    QStringList folders;
    for (const auto& dir : listRunFolders(runsFolder.toStdString())) folders << QString::fromStdString(dir);
    return folders;
}

std::optional<RunSummary> readRunSummary(const QString& runDir, QString& error, bool withLogs) {
    try {
        return loadRunSummary(runDir.toStdString(), withLogs);
    } catch (const std::exception& e) {
        error = QString::fromStdString(failureMessage(e));
        return std::nullopt;
    }
}

QString configValue(const RunSummary& summary, const std::string& key) {
    for (const auto& [k, v] : summary.config)
        if (k == key) return QString::fromStdString(v);
    return {};
}

QString runName(const QString& runDir) { return QString::fromStdString(logbert::runName(runDir.toStdString())); }

bool renameRun(const QString& runDir, const QString& name, QString& error) {
    try {
        logbert::renameRun(runDir.toStdString(), name.toStdString());
        return true;
    } catch (const std::exception& e) {
        error = QString::fromStdString(failureMessage(e));
        return false;
    }
}

RunActivity runActivity(const QString& runDir) { return readRunActivity(runDir.toStdString()); }

} // namespace logbert::gui
