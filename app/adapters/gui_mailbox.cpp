// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/gui_mailbox.h"

namespace logbert::gui {

GuiMailbox::GuiMailbox(QObject* parent) : QObject(parent) {
    connect(this, &GuiMailbox::wake, this, &GuiMailbox::deliver, Qt::QueuedConnection);
}

void GuiMailbox::post(std::function<void()> call) {
    bool first = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        first = calls_.empty();
        calls_.push_back(std::move(call));
    }
    if (first) emit wake(); // later posts ride on the wake-up already queued
}

void GuiMailbox::deliver() {
    std::vector<std::function<void()>> calls;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        calls.swap(calls_);
    }
    for (auto& call : calls) call();
}

} // namespace logbert::gui
