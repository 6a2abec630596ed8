// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/background_task.h"

#include "engine/core/failure_message.h"

#include <QMetaObject>

#include "engine/core/errors.h"

namespace logbert::gui {

BackgroundTask::BackgroundTask(QObject* parent) : QObject(parent), mailbox_(new GuiMailbox(this)) { registerEngineTypes(); }

BackgroundTask::~BackgroundTask() {
    cancel_ = true;
    if (worker_.joinable()) worker_.join();
}

void BackgroundTask::start(Work work) {
    if (running_) return;
    if (worker_.joinable()) worker_.join();
    cancel_ = false;
    running_ = true;
    worker_ = std::thread([this, work = std::move(work)] {
        JobControl control;
        control.cancel = &cancel_;
        control.onProgress = [this](const JobProgress& p) { mailbox_->post([this, p] { emit progress(p); }); };
        std::function<void()> done;
        QString error;
        try {
            done = work(control);
        } catch (const Cancelled&) {
            error = "cancelled";
        } catch (const std::exception& e) {
            error = QString::fromStdString(failureMessage(e));
        }
        mailbox_->post([this, done, error] { // running_ belongs to the GUI thread
            running_ = false;
            if (!error.isEmpty()) emit failed(error);
            else if (done) done();
        });
    });
}

} // namespace logbert::gui
