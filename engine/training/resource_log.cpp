// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/resource_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/core/errors.h"
#include "engine/io/atomic_file.h"
#include "engine/io/csv.h"
#include "engine/platform/resource_sampler.h"

namespace logbert {

namespace {
constexpr const char* kHeader = "elapsed_s,step,cpu_percent,rss_mb,threads,gpu_mb";

ResourceRow rowOf(const ResourceSample& s, double elapsed, std::int64_t step) {
    ResourceRow r;
    r.elapsedSeconds = elapsed;
    r.step = step;
    r.cpuPercent = s.cpuPercent;
    r.rssMegabytes = double(s.rssBytes) / 1048576.0;
    r.threads = s.threads;
    r.gpuMegabytes = s.gpuBytes >= 0 ? double(s.gpuBytes) / 1048576.0 : -1;
    return r;
}
} // namespace

void ResourceLog::save(const std::string& path) const {
    AtomicFile file(path);
    auto& out = file.stream();
    out << kHeader << "\n";
    char line[160];
    for (const auto& r : rows_) {
        std::snprintf(line, sizeof line, "%.3f,%lld,%.1f,%.2f,%d,", r.elapsedSeconds, (long long)r.step, r.cpuPercent,
                      r.rssMegabytes, r.threads);
        out << line;
        if (r.gpuMegabytes >= 0) {
            std::snprintf(line, sizeof line, "%.2f", r.gpuMegabytes);
            out << line;
        }
        out << "\n";
    }
    file.commit();
}

ResourceLog ResourceLog::load(const std::string& path) {
    CsvReader csv(path);
    const char* names[] = {"elapsed_s", "step", "cpu_percent", "rss_mb", "threads", "gpu_mb"};
    int col[6];
    for (int i = 0; i < 6; ++i) col[i] = csv.requireColumn(names[i]);
    ResourceLog log;
    std::vector<std::string_view> f;
    while (csv.next(f)) {
        for (int c : col)
            if (std::size_t(c) >= f.size()) throw InputError(path, csv.rowLine(), "too few columns");
        auto num = [&](int i, double empty) -> double {
            const std::string s(f[std::size_t(col[i])]);
            if (s.empty()) return empty;
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            if (end != s.c_str() + s.size() || !std::isfinite(v))
                throw InputError(path, csv.rowLine(), std::string(names[i]) + ": expected a number, found '" + s + "'");
            return v;
        };
        ResourceRow r;
        r.elapsedSeconds = num(0, 0);
        r.step = std::int64_t(num(1, 0));
        r.cpuPercent = num(2, 0);
        r.rssMegabytes = num(3, 0);
        r.threads = int(std::clamp(num(4, 0), 0.0, 1e6));
        r.gpuMegabytes = num(5, -1);
        log.rows_.push_back(r);
    }
    return log;
}

ResourceRecorder::ResourceRecorder(double startSeconds, std::function<void(const ResourceRow&)> onSample,
                                   std::chrono::milliseconds interval)
    : startSeconds_(startSeconds), started_(std::chrono::steady_clock::now()), onSample_(std::move(onSample)) {
    thread_ = std::thread([this, interval] { loop(interval); });
}

ResourceRecorder::~ResourceRecorder() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void ResourceRecorder::loop(std::chrono::milliseconds interval) {
    ResourceSampler sampler; // CPU % from here on
    bool first = true;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (!first && wake_.wait_for(lock, interval, [this] { return stop_; })) return;
        }
        const ResourceSample s = sampler.sample();
        const double elapsed = startSeconds_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        const ResourceRow row = rowOf(s, elapsed, step_.load(std::memory_order_relaxed));
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (first) startRss_ = row.rssMegabytes;
            peakRss_ = std::max(peakRss_, row.rssMegabytes);
            if (!first) rows_.push_back(row); // the first sample only sets the CPU clock and the start RSS
        }
        if (!first && onSample_) onSample_(row);
        first = false;
    }
}

std::vector<ResourceRow> ResourceRecorder::rows() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return rows_;
}

double ResourceRecorder::startRssMegabytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return startRss_;
}

double ResourceRecorder::peakRssMegabytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return peakRss_;
}

} // namespace logbert
