// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/training_runner.h"

#include "engine/core/failure_message.h"

#include <QMetaObject>

#include "engine/core/errors.h"
#include "engine/platform/gpu_memory.h"

namespace logbert::gui {

void registerEngineTypes() {
    static const bool done = [] {
        qRegisterMetaType<logbert::TrainingSetup>();
        qRegisterMetaType<logbert::TrainingStep>();
        qRegisterMetaType<logbert::TrainingEpoch>();
        qRegisterMetaType<logbert::TrainingSummary>();
        qRegisterMetaType<logbert::JobProgress>();
        qRegisterMetaType<logbert::ResourceRow>();
        return true;
    }();
    (void)done;
}

QString TrainingRunner::noGpuReason() {
    const GpuMemoryProbe probe;
    return probe.available() ? QString() : QString::fromStdString(probe.unavailableReason());
}

TrainingRunner::TrainingRunner(QObject* parent) : QObject(parent), mailbox_(new GuiMailbox(this)) { registerEngineTypes(); }

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
        // The signals are emitted on the runner's thread (the GUI thread), through the mailbox.
        TrainingCallbacks callbacks;
        callbacks.onSetup = [this](const TrainingSetup& s) { mailbox_->post([this, s] { emit setupReady(s); }); };
        callbacks.onStep = [this](const TrainingStep& s) { mailbox_->post([this, s] { emit stepReported(s); }); };
        callbacks.onEpoch = [this](const TrainingEpoch& e) { mailbox_->post([this, e] { emit epochReported(e); }); };
        callbacks.onThreadsChanged = [this](int threads, const std::string& reason) {
            mailbox_->post([this, threads, text = QString::fromStdString(reason)] { emit threadsChanged(threads, text); });
        };
        // From the job's resource sampler thread: the same samples resources.csv gets.
        callbacks.onResources = [this](const ResourceRow& r) { mailbox_->post([this, r] { emit resourcesSampled(r); }); };
        callbacks.onMessage = [this](const std::string& m) {
            mailbox_->post([this, text = QString::fromStdString(m)] { emit message(text); });
        };
        JobControl control;
        control.cancel = &cancel_;
        control.pause = &pause_;
        control.onProgress = [this](const JobProgress& p) { mailbox_->post([this, p] { emit progress(p); }); };
        QString error;
        TrainingSummary summary;
        try {
            TrainingJob job(params, callbacks);
            summary = job.run(control);
        } catch (const Cancelled&) {
            summary.cancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromStdString(failureMessage(e));
        }
        // running_ belongs to the GUI thread: update it there, then report.
        mailbox_->post([this, error, summary] {
            running_ = false;
            if (error.isEmpty()) emit finished(summary);
            else emit failed(error);
        });
    });
}

void TrainingRunner::setPaused(bool paused) { pause_ = paused; }

void TrainingRunner::stop() {
    cancel_ = true;
    pause_ = false;
}

} // namespace logbert::gui
