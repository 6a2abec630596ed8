// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "app/adapters/background_task.h"
#include "engine/data/dataset.h"

namespace logbert::gui {

/// Reads, parses and sessionizes a data config (engine: buildDataset) on a worker thread, with
/// progress and cancel; the dataset arrives on the GUI thread.
class DatasetRunner : public QObject {
    Q_OBJECT
public:
    explicit DatasetRunner(QObject* parent = nullptr);

    bool isRunning() const { return task_->isRunning(); }
    void start(const DataConfig& config);
    void cancel() { task_->cancel(); }

signals:
    void progress(const logbert::JobProgress& progress);
    void finished(std::shared_ptr<const logbert::Dataset> dataset);
    void failed(const QString& error); ///< "cancelled" when cancelled

private:
    BackgroundTask* task_;
};

} // namespace logbert::gui

Q_DECLARE_METATYPE(std::shared_ptr<const logbert::Dataset>)
