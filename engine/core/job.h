// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "engine/core/errors.h"

namespace logbert {

/// Progress of a long job: which phase it is in and how far along (units are the phase's own,
/// bytes for reading, sessions for splitting). total == 0 means "unknown".
struct JobProgress {
    std::string phase;
    std::uint64_t done = 0;
    std::uint64_t total = 0;
};

/// What a job gets from whoever runs it: a cancel flag it checks inside its loops, a pause flag
/// (honoured by jobs that can pause between steps, such as training) and a progress callback it
/// calls when the figures change by a meaningful step. All are optional.
struct JobControl {
    const std::atomic<bool>* cancel = nullptr;
    const std::atomic<bool>* pause = nullptr;
    std::function<void(const JobProgress&)> onProgress;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
    bool paused() const { return pause && pause->load(std::memory_order_relaxed); }
    /// Blocks while paused, waking every 20 ms to notice a cancel. Returns the seconds it waited.
    double waitWhilePaused() const {
        if (!paused()) return 0;
        const auto start = std::chrono::steady_clock::now();
        while (paused() && !cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    void throwIfCancelled() const {
        if (cancelled()) throw Cancelled();
    }
    void report(const std::string& phase, std::uint64_t done, std::uint64_t total) const {
        if (onProgress) onProgress(JobProgress{phase, done, total});
    }
};

} // namespace logbert
