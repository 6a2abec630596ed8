// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

#include "app/adapters/background_task.h"

namespace logbert::gui {

/// Writes the built-in demo dataset (engine: writeDemoDataset) into a folder on a worker thread;
/// a folder that already holds it is used as it is.
class DemoDataWriter : public QObject {
    Q_OBJECT
public:
    explicit DemoDataWriter(QObject* parent = nullptr);
    void start(const QString& dir);
    bool isRunning() const { return task_->isRunning(); }
    /// What the demo data is and which anomaly kinds it holds (engine: demoDatasetNote).
    static QString note();

signals:
    void finished(const QString& dir); ///< dir holds demo.yaml, HDFS_demo.log, anomaly_label.csv
    void failed(const QString& error);

private:
    BackgroundTask* task_;
};

} // namespace logbert::gui
