// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/run_summaries.h"

#include "engine/training/run_folder.h"

namespace logbert::gui {

QStringList runFolders(const QString& runsFolder) {
    QStringList folders;
    for (const auto& dir : listRunFolders(runsFolder.toStdString())) folders << QString::fromStdString(dir);
    return folders;
}

QString runStatusLine(const QString& runDir) {
    try {
        const RunInfo info = RunInfo::load(runDir.toStdString());
        return QString("%1 · %2 epochs · %3").arg(QString::fromStdString(info.status)).arg(info.epochsDone)
            .arg(QString::fromStdString(info.updated));
    } catch (const std::exception&) {
        return {};
    }
}

std::optional<RunSummary> readRunSummary(const QString& runDir, QString& error) {
    try {
        return loadRunSummary(runDir.toStdString());
    } catch (const std::exception& e) {
        error = QString::fromUtf8(e.what());
        return std::nullopt;
    }
}

} // namespace logbert::gui
