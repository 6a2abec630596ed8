// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/evaluation_runner.h"

#include "engine/training/run_folder.h"

namespace logbert::gui {

EvaluationRunner::EvaluationRunner(QObject* parent) : QObject(parent), task_(new BackgroundTask(this)) {
    qRegisterMetaType<logbert::gui::EvaluatedRun>();
    connect(task_, &BackgroundTask::progress, this, &EvaluationRunner::progress);
    connect(task_, &BackgroundTask::failed, this, &EvaluationRunner::failed);
}

void EvaluationRunner::start(const QString& runDir) {
    task_->start([this, runDir](const JobControl& control) -> std::function<void()> {
        const std::string dir = runDir.toStdString();
        const RunConfig config = loadRunFolderConfig(dir);
        auto dataset = std::make_shared<Dataset>(buildDataset(config.data, control));
        auto result = std::make_shared<EvaluationResult>(evaluateRun(dir, dataset, control));
        control.throwIfCancelled(); // a cancelled evaluation leaves the saved results as they were
        saveEvaluation(dir, *result, *dataset);
        const EvaluatedRun run{runDir, dataset, result};
        return [this, run] { emit finished(run); };
    });
}

} // namespace logbert::gui
