// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/evaluation_runner.h"

#include <QMetaObject>

#include "engine/core/errors.h"
#include "engine/training/run_folder.h"

namespace logbert::gui {

EvaluationRunner::EvaluationRunner(QObject* parent) : QObject(parent) {
    registerEngineTypes();
    qRegisterMetaType<logbert::gui::EvaluatedRun>();
}

EvaluationRunner::~EvaluationRunner() {
    cancel_ = true;
    if (worker_.joinable()) worker_.join();
}

void EvaluationRunner::start(const QString& runDir) {
    if (running_) return;
    if (worker_.joinable()) worker_.join();
    cancel_ = false;
    running_ = true;
    worker_ = std::thread([this, runDir] {
        JobControl control;
        control.cancel = &cancel_;
        control.onProgress = [this](const JobProgress& p) { emit progress(p); };
        EvaluatedRun run;
        run.runDir = runDir;
        QString error;
        try {
            const std::string dir = runDir.toStdString();
            const RunConfig config = loadRunFolderConfig(dir);
            auto dataset = std::make_shared<Dataset>(buildDataset(config.data, control));
            auto result = std::make_shared<EvaluationResult>(evaluateRun(dir, dataset, control));
            saveEvaluation(dir, *result, *dataset);
            run.dataset = dataset;
            run.result = result;
        } catch (const Cancelled&) {
            error = "cancelled";
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [this, run, error] {
            running_ = false;
            if (error.isEmpty()) emit finished(run);
            else emit failed(error);
        }, Qt::QueuedConnection);
    });
}

} // namespace logbert::gui
