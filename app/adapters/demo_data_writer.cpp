// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/demo_data_writer.h"

#include <QDir>
#include <QFileInfo>

#include "engine/demo/demo_generator.h"

namespace logbert::gui {

DemoDataWriter::DemoDataWriter(QObject* parent) : QObject(parent), task_(new BackgroundTask(this)) {
    connect(task_, &BackgroundTask::failed, this, &DemoDataWriter::failed);
}

QString DemoDataWriter::note() { return QString::fromStdString(demoDatasetNote()); }

void DemoDataWriter::start(const QString& dir) {
    task_->start([this, dir](const JobControl& control) -> std::function<void()> {
        // Written once per workspace; again when it came from a generator without the kinds file.
        if (!QFileInfo::exists(QDir(dir).filePath("demo.yaml")) || !QFileInfo::exists(QDir(dir).filePath("anomaly_kinds.csv")))
            writeDemoDataset(dir.toStdString(), {}, control);
        return [this, dir] { emit finished(dir); };
    });
}

} // namespace logbert::gui
