// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/training_runner.h"

#include <QMetaObject>

#include "engine/core/errors.h"

namespace logbert::gui {

void registerEngineTypes() {
    static const bool done = [] {
        qRegisterMetaType<logbert::TrainingSetup>();
        qRegisterMetaType<logbert::TrainingStep>();
        qRegisterMetaType<logbert::TrainingEpoch>();
        qRegisterMetaType<logbert::TrainingSummary>();
        qRegisterMetaType<logbert::JobProgress>();
        return true;
    }();
    (void)done;
}

TrainingRunner::TrainingRunner(QObject* parent) : QObject(parent) { registerEngineTypes(); }

TrainingRunner::~TrainingRunner() {
    cancel_ = true;
    pause_ = false;
    join();
}

void TrainingRunner::join() {
    if (worker_.joinable()) worker_.join();
}

void TrainingRunner::start(const TrainingParams& params) {
    if (running_) return;
    join(); // the previous run's thread has finished; reclaim it
    cancel_ = false;
    pause_ = false;
    running_ = true;
    runDir_ = QString::fromStdString(params.runDir);
    emit started(runDir_);
    worker_ = std::thread([this, params] {
        // Signals emitted here are queued to the runner's thread (the GUI thread).
        TrainingCallbacks callbacks;
        callbacks.onSetup = [this](const TrainingSetup& s) { emit setupReady(s); };
        callbacks.onStep = [this](const TrainingStep& s) { emit stepReported(s); };
        callbacks.onEpoch = [this](const TrainingEpoch& e) { emit epochReported(e); };
        callbacks.onMessage = [this](const std::string& m) { emit message(QString::fromStdString(m)); };
        JobControl control;
        control.cancel = &cancel_;
        control.pause = &pause_;
        control.onProgress = [this](const JobProgress& p) { emit progress(p); };
        QString error;
        TrainingSummary summary;
        try {
            TrainingJob job(params, callbacks);
            summary = job.run(control);
        } catch (const Cancelled&) {
            summary.cancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        // running_ belongs to the GUI thread: update it there, then report.
        QMetaObject::invokeMethod(this, [this, error, summary] {
            running_ = false;
            if (error.isEmpty()) emit finished(summary);
            else emit failed(error);
        }, Qt::QueuedConnection);
    });
}

void TrainingRunner::setPaused(bool paused) { pause_ = paused; }

void TrainingRunner::stop() {
    cancel_ = true;
    pause_ = false;
}

} // namespace logbert::gui
