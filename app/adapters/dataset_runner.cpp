// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/dataset_runner.h"

#include <QMetaObject>

#include "engine/core/errors.h"

namespace logbert::gui {

DatasetRunner::DatasetRunner(QObject* parent) : QObject(parent) {
    registerEngineTypes();
    qRegisterMetaType<std::shared_ptr<const logbert::Dataset>>();
}

DatasetRunner::~DatasetRunner() {
    cancel_ = true;
    if (worker_.joinable()) worker_.join();
}

void DatasetRunner::start(const DataConfig& config) {
    if (running_) return;
    if (worker_.joinable()) worker_.join();
    cancel_ = false;
    running_ = true;
    worker_ = std::thread([this, config] {
        JobControl control;
        control.cancel = &cancel_;
        control.onProgress = [this](const JobProgress& p) { emit progress(p); };
        std::shared_ptr<const Dataset> dataset;
        QString error;
        try {
            dataset = std::make_shared<const Dataset>(buildDataset(config, control));
        } catch (const Cancelled&) {
            error = "cancelled";
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(this, [this, dataset, error] {
            running_ = false;
            if (error.isEmpty()) emit finished(dataset);
            else emit failed(error);
        }, Qt::QueuedConnection);
    });
}

} // namespace logbert::gui
