// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "app/adapters/background_task.h"
#include "engine/detection/detector_reports.h" // the Results page's rows and verdict at its controls
#include "engine/detection/evaluation.h"
#include "engine/io/raw_line_index.h"

namespace logbert::gui {

/// An evaluated run as the GUI keeps it: the result (every scored session with its verdicts) and
/// the dataset (session ids, keys, raw line references, templates).
struct EvaluatedRun {
    QString runDir;
    std::shared_ptr<const Dataset> dataset;
    std::shared_ptr<const EvaluationResult> result;
    QString source; ///< "saved evaluation", or why it was evaluated again
    std::shared_ptr<RawLineIndex> rawLines; ///< reads the sessions' log lines (RawLineLoader)
};

/// Builds a run's dataset and evaluates it (engine: buildDataset + evaluateRun + saveEvaluation)
/// on a worker thread; progress and the outcome arrive as signals on the GUI thread. A run's
/// saved evaluation (evaluation_cache.h) is shown instead when it still fits the model and data.
class EvaluationRunner : public QObject {
    Q_OBJECT
public:
    explicit EvaluationRunner(QObject* parent = nullptr);

    bool isRunning() const { return task_->isRunning(); }
    enum class Mode { ReuseSaved, Evaluate };
    void start(const QString& runDir, Mode mode = Mode::ReuseSaved);
    void cancel() { task_->cancel(); }

signals:
    void progress(const logbert::JobProgress& progress);
    void finished(const logbert::gui::EvaluatedRun& run);
    void failed(const QString& error);

private:
    BackgroundTask* task_;
};

} // namespace logbert::gui

Q_DECLARE_METATYPE(logbert::gui::EvaluatedRun)
