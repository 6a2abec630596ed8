// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/dataset_runner.h"

namespace logbert::gui {

DatasetRunner::DatasetRunner(QObject* parent) : QObject(parent), task_(new BackgroundTask(this)) {
    qRegisterMetaType<std::shared_ptr<const logbert::Dataset>>();
    connect(task_, &BackgroundTask::progress, this, &DatasetRunner::progress);
    connect(task_, &BackgroundTask::failed, this, &DatasetRunner::failed);
}

void DatasetRunner::start(const DataConfig& config) {
    task_->start([this, config](const JobControl& control) -> std::function<void()> {
        std::shared_ptr<const Dataset> dataset = std::make_shared<const Dataset>(buildDataset(config, control));
        return [this, dataset] { emit finished(dataset); };
    });
}

} // namespace logbert::gui
