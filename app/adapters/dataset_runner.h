// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <thread>

#include "app/adapters/engine_types.h"
#include "engine/data/dataset.h"

namespace logbert::gui {

/// Reads, parses and sessionizes a data config (engine: buildDataset) on a worker thread, with
/// progress and cancel; the dataset arrives on the GUI thread.
class DatasetRunner : public QObject {
    Q_OBJECT
public:
    explicit DatasetRunner(QObject* parent = nullptr);
    ~DatasetRunner() override;

    bool isRunning() const { return running_; }
    void start(const DataConfig& config);
    void cancel() { cancel_ = true; }

signals:
    void progress(const logbert::JobProgress& progress);
    void finished(std::shared_ptr<const logbert::Dataset> dataset);
    void failed(const QString& error); ///< "cancelled" when cancelled

private:
    std::thread worker_;
    std::atomic<bool> cancel_{false};
    bool running_ = false;
};

} // namespace logbert::gui

Q_DECLARE_METATYPE(std::shared_ptr<const logbert::Dataset>)
