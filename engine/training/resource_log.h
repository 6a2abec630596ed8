// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/io/append_file.h"

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

/// The columns of resources.csv (see MetricsCsv).
class ResourceCsv {
public:
    static const char* header();
    static std::string format(const ResourceRow& row);
    ResourceCsv(std::string_view headerLine, const std::string& path);
    ResourceRow parse(std::string_view line, const std::string& path, long lineNumber) const;

private:
    int columns_[6];
};

/// resources.csv, beside metrics.csv: the recorder appends each sample as it is taken.
class ResourceLog {
public:
    std::vector<ResourceRow>& rows() { return rows_; }
    const std::vector<ResourceRow>& rows() const { return rows_; }
    /// Writes the whole file atomically.
    void save(const std::string& path) const;
    /// Reads resources.csv; InputError with file:line on malformed rows. A last line without its
    /// newline is left out.
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
    /// From now on each sample is also appended to `path` (created with its header when new),
    /// starting with those taken so far: the file grows live for whoever follows the run.
    void appendTo(const std::string& path);
    /// Why samples stopped reaching the file ("" while they do).
    std::string fileError() const;
    /// The rows so far (a copy; the sampler keeps appending).
    std::vector<ResourceRow> rows() const;
    /// Resident memory when the recorder started, and the highest sampled since (MiB).
    double startRssMegabytes() const;
    double peakRssMegabytes() const;

private:
    void loop(std::chrono::milliseconds interval);
    void appendLocked(const ResourceRow& row); ///< mutex_ held

    const double startSeconds_;
    const std::chrono::steady_clock::time_point started_;
    std::function<void(const ResourceRow&)> onSample_;
    std::atomic<std::int64_t> step_{0};
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::vector<ResourceRow> rows_;
    std::unique_ptr<AppendFile> file_;
    std::string fileError_; // the first append that failed: the run goes on without live samples
    double startRss_ = 0, peakRss_ = 0;
    std::thread thread_;
};

} // namespace logbert
