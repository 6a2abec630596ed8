// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/evaluation_runner.h"

#include "engine/detection/evaluation_cache.h"
#include "engine/training/run_folder.h"

namespace logbert::gui {

EvaluationRunner::EvaluationRunner(QObject* parent) : QObject(parent), task_(new BackgroundTask(this)) {
    qRegisterMetaType<logbert::gui::EvaluatedRun>();
    connect(task_, &BackgroundTask::progress, this, &EvaluationRunner::progress);
    connect(task_, &BackgroundTask::failed, this, &EvaluationRunner::failed);
}

void EvaluationRunner::start(const QString& runDir, Mode mode) {
    task_->start([this, runDir, mode](const JobControl& control) -> std::function<void()> {
        const std::string dir = runDir.toStdString();
        const RunConfig config = loadRunFolderConfig(dir);
        auto dataset = std::make_shared<Dataset>(buildDataset(config.data, control));
        std::shared_ptr<EvaluationResult> result;
        QString note;
        if (mode == Mode::ReuseSaved) {
            std::string why;
            control.report("loading saved evaluation", 0, 1);
            if (auto saved = loadEvaluationCache(dir, evaluationFingerprint(dir, *dataset), *dataset, &why)) {
                result = std::make_shared<EvaluationResult>(std::move(*saved));
                note = "saved evaluation";
            } else {
                // A run evaluated for the first time is not "evaluated again".
                note = why == "not evaluated yet" ? QString("evaluated now") : "evaluated again: " + QString::fromStdString(why);
            }
        } else {
            note = "evaluated again";
        }
        if (!result) {
            result = std::make_shared<EvaluationResult>(evaluateRun(dir, dataset, control));
            control.throwIfCancelled(); // a cancelled evaluation leaves the saved results as they were
            saveEvaluation(dir, *result, *dataset);
        }
        const EvaluatedRun run{runDir, dataset, result, note, std::make_shared<RawLineIndex>()};
        return [this, run] { emit finished(run); };
    });
}

} // namespace logbert::gui
