// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>

namespace logbert::gui {

/// What the workbench process uses right now, for the resource chart.
struct ResourceSample {
    double cpuPercent = 0;      ///< since the previous sample; 100 = one core busy
    std::uint64_t rssBytes = 0; ///< resident memory
    int threads = 0;
};

/// Samples this process's CPU, memory and threads. One small interface, one implementation per
/// platform: /proc on Linux, task_info on macOS (the workbench's users are on Macs first).
class ResourceSampler {
public:
    ResourceSampler();
    /// CPU % is measured over the time since the previous call (or since construction).
    ResourceSample sample();

private:
    double cpuSeconds() const;

    double lastCpu_ = 0;
    std::chrono::steady_clock::time_point lastWall_;
};

} // namespace logbert::gui
