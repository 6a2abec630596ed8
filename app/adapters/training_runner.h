// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <thread>

#include "app/adapters/engine_types.h"
#include "app/adapters/gui_mailbox.h"

namespace logbert::gui {

/// Runs the engine's TrainingJob on a worker thread and turns its callbacks into Qt signals,
/// delivered on the thread that owns the runner (the GUI thread). Pause and stop are flags the
/// job checks every step; stop() never blocks. Destroying a running runner stops it and joins.
class TrainingRunner : public QObject {
    Q_OBJECT
public:
    explicit TrainingRunner(QObject* parent = nullptr);
    ~TrainingRunner() override;

    bool isRunning() const { return running_; }
    bool isPaused() const { return pause_.load(); }
    QString runDir() const { return runDir_; }
    /// Why the training's resource samples carry no GPU memory; "" when NVML sees a GPU.
    static QString noGpuReason();

    /// Starts training (a new run, or params.resume). Ignored while a run is in progress.
    void start(const TrainingParams& params);
    void setPaused(bool paused);
    /// Asks the job to checkpoint and stop; finished(summary with cancelled) follows.
    void stop();

signals:
    void started(const QString& runDir);
    void progress(const logbert::JobProgress& progress); ///< reading data, validating, ...
    void setupReady(const logbert::TrainingSetup& setup);
    void stepReported(const logbert::TrainingStep& step);
    void epochReported(const logbert::TrainingEpoch& epoch);
    void message(const QString& text);
    void threadsChanged(int threads, const QString& reason); ///< training.threads: auto followed the load
    /// A sample of the training process, as the job writes it to resources.csv (about every second).
    void resourcesSampled(const logbert::ResourceRow& row);
    void finished(const logbert::TrainingSummary& summary);
    void failed(const QString& error);

private:
    void join();

    GuiMailbox* mailbox_; // the job's callbacks reach the GUI thread through it

    std::thread worker_;
    std::atomic<bool> cancel_{false}, pause_{false};
    bool running_ = false;
    QString runDir_;
};

} // namespace logbert::gui
