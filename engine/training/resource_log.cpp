// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/resource_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "engine/core/errors.h"
#include "engine/io/atomic_file.h"
#include "engine/io/file_tail.h"
#include "engine/platform/resource_sampler.h"

namespace logbert {

namespace {
constexpr const char* kHeader = "elapsed_s,step,cpu_percent,rss_mb,threads,gpu_mb";
constexpr const char* kColumns[6] = {"elapsed_s", "step", "cpu_percent", "rss_mb", "threads", "gpu_mb"};

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

const char* ResourceCsv::header() { return kHeader; }

std::string ResourceCsv::format(const ResourceRow& r) {
    char line[200];
    int n = std::snprintf(line, sizeof line, "%.3f,%lld,%.1f,%.2f,%d,", r.elapsedSeconds, (long long)r.step, r.cpuPercent,
                          r.rssMegabytes, r.threads);
    if (r.gpuMegabytes >= 0 && n > 0 && n < int(sizeof line))
        std::snprintf(line + n, sizeof line - std::size_t(n), "%.2f", r.gpuMegabytes);
    return line;
}

ResourceCsv::ResourceCsv(std::string_view headerLine, const std::string& path) {
    const auto names = splitPlainCsv(headerLine);
    for (int i = 0; i < 6; ++i) {
        columns_[i] = findCsvColumn(names, kColumns[i]);
        if (columns_[i] < 0)
            throw InputError(path, 1, std::string("no column '") + kColumns[i] + "'; expected the header " + kHeader);
    }
}

ResourceRow ResourceCsv::parse(std::string_view line, const std::string& path, long lineNumber) const {
    const auto f = splitPlainCsv(line);
    for (int c : columns_)
        if (std::size_t(c) >= f.size()) throw InputError(path, lineNumber, "too few columns");
    auto num = [&](int i, double empty) -> double {
        const std::string s(f[std::size_t(columns_[i])]);
        if (s.empty()) return empty;
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (end != s.c_str() + s.size() || !std::isfinite(v))
            throw InputError(path, lineNumber, std::string(kColumns[i]) + ": expected a number, found '" + s + "'");
        return v;
    };
    ResourceRow r;
    r.elapsedSeconds = num(0, 0);
    r.step = std::int64_t(std::clamp(num(1, 0), 0.0, 1e15));
    r.cpuPercent = num(2, 0);
    r.rssMegabytes = num(3, 0);
    r.threads = int(std::clamp(num(4, 0), 0.0, 1e6));
    r.gpuMegabytes = num(5, -1);
    return r;
}

void ResourceLog::save(const std::string& path) const {
    AtomicFile file(path);
    auto& out = file.stream();
    out << kHeader << "\n";
    for (const auto& r : rows_) out << ResourceCsv::format(r) << "\n";
    file.commit();
}

ResourceLog ResourceLog::load(const std::string& path) {
    ResourceLog log;
    std::optional<ResourceCsv> csv;
    forEachCompleteLine(path, [&](std::string_view line, long number) {
        if (line.empty()) return;
        if (!csv) csv.emplace(line, path);
        else log.rows_.push_back(csv->parse(line, path, number));
    });
    if (!csv) throw InputError(path, 1, std::string("empty: expected the header ") + kHeader);
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
            if (!first) { // the first sample only sets the CPU clock and the start RSS
                rows_.push_back(row);
                appendLocked(row);
            }
        }
        if (!first && onSample_) onSample_(row);
        first = false;
    }
}

void ResourceRecorder::appendTo(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    try {
        file_ = std::make_unique<AppendFile>(path, kHeader);
        for (const auto& row : rows_) file_->appendLine(ResourceCsv::format(row));
    } catch (const std::exception& e) {
        file_.reset();
        fileError_ = e.what();
    }
}

void ResourceRecorder::appendLocked(const ResourceRow& row) {
    if (!file_) return;
    try {
        file_->appendLine(ResourceCsv::format(row));
    } catch (const std::exception& e) {
        file_.reset(); // a full disk: the samples stay in memory and in the final figures
        fileError_ = e.what();
    }
}

std::string ResourceRecorder::fileError() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fileError_;
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
