// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace logbert {

/// One row of resources.csv: what the training process used at one moment.
struct ResourceRow {
    double elapsedSeconds = 0; ///< wall seconds since the run started (resumed sessions continue it)
    std::int64_t step = 0;     ///< optimizer steps done at that moment
    double cpuPercent = 0;     ///< since the previous row; 100 = one core busy
    double rssMegabytes = 0;   ///< resident memory of the process
    int threads = 0;
    double gpuMegabytes = -1;  ///< GPU memory of the process (NVML); -1: no GPU figure
};

/// resources.csv, beside metrics.csv. Written whole (atomically) with each checkpoint.
class ResourceLog {
public:
    std::vector<ResourceRow>& rows() { return rows_; }
    const std::vector<ResourceRow>& rows() const { return rows_; }
    void save(const std::string& path) const;
    /// Reads resources.csv; InputError with file:line on malformed rows.
    static ResourceLog load(const std::string& path);

private:
    std::vector<ResourceRow> rows_;
};

/// Samples the training's own process (ResourceSampler: CPU %, RSS, threads, GPU memory) on a
/// thread of its own, every `interval`, from construction until destruction: data reading and
/// validation are sampled too, and a step longer than the interval does not hide the process.
/// The trainer publishes its step with setStep; `onSample` runs on the sampler thread.
class ResourceRecorder {
public:
    ResourceRecorder(double startSeconds, std::function<void(const ResourceRow&)> onSample,
                     std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
    ~ResourceRecorder();
    ResourceRecorder(const ResourceRecorder&) = delete;
    ResourceRecorder& operator=(const ResourceRecorder&) = delete;

    void setStep(std::int64_t step) { step_.store(step, std::memory_order_relaxed); }
    /// The rows so far (a copy; the sampler keeps appending).
    std::vector<ResourceRow> rows() const;
    /// Resident memory when the recorder started, and the highest sampled since (MiB).
    double startRssMegabytes() const;
    double peakRssMegabytes() const;

private:
    void loop(std::chrono::milliseconds interval);

    const double startSeconds_;
    const std::chrono::steady_clock::time_point started_;
    std::function<void(const ResourceRow&)> onSample_;
    std::atomic<std::int64_t> step_{0};
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::vector<ResourceRow> rows_;
    double startRss_ = 0, peakRss_ = 0;
    std::thread thread_;
};

} // namespace logbert
