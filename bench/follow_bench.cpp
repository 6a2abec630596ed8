// SPDX-License-Identifier: GPL-3.0-or-later
// What following a run costs the workbench's GUI thread (RunFolderTail::poll): catching up with a
// long run's logs slice by slice, then each poll while the run appends, against re-reading the
// whole metrics.csv at every refresh.
// Usage: follow_bench [--rows N] [--polls P]   (default 200000 metrics rows, 2000 polls)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/io/append_file.h"
#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_folder_tail.h"

using namespace logbert;
using Clock = std::chrono::steady_clock;

namespace {
double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

MetricsRow rowAt(std::int64_t step) {
    MetricsRow r;
    r.kind = MetricsRow::Kind::Step;
    r.epoch = int(step / 1000) + 1;
    r.step = step;
    r.loss = 2.0 / double(step + 1) + 0.1, r.mlkp = r.loss * 0.9, r.vhm = r.loss;
    r.learningRate = 1e-3, r.sequencesPerSecond = 200.5, r.tokensPerSecond = 25000.25;
    r.validationLoss = r.validationMlkp = r.validationVhm = std::nan("");
    r.elapsedSeconds = double(step) * 0.05, r.rssMegabytes = 512.5;
    return r;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
}
} // namespace

int main(int argc, char** argv) {
    long rows = 200000, polls = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--rows")) rows = std::atol(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--polls")) polls = std::atol(argv[i + 1]);
    }
    const auto dir = std::filesystem::temp_directory_path() / ("follow_bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string metricsPath = (dir / "metrics.csv").string(), resourcesPath = (dir / "resources.csv").string();
    {
        AppendFile metrics(metricsPath, MetricsCsv::header());
        AppendFile resources(resourcesPath, ResourceCsv::header());
        for (long s = 0; s < rows; ++s) {
            metrics.appendLine(MetricsCsv::format(rowAt(s)));
            if (s % 10 == 0) resources.appendLine(ResourceCsv::format(ResourceRow{double(s) * 0.05, s, 180.5, 512.25, 9, -1}));
        }
    }
    const double megabytes = double(std::filesystem::file_size(metricsPath) + std::filesystem::file_size(resourcesPath)) / 1048576.0;

    // Opening the run: bounded polls until caught up.
    RunFolderTail tail(dir.string());
    std::vector<double> catchUp;
    const auto t0 = Clock::now();
    do {
        const auto t = Clock::now();
        tail.poll();
        catchUp.push_back(msSince(t));
    } while (!tail.caughtUp());
    const double catchUpTotal = msSince(t0);

    // While the run trains: a row appended between polls, as the trainer does.
    std::vector<double> steady;
    {
        AppendFile metrics(metricsPath, MetricsCsv::header());
        AppendFile resources(resourcesPath, ResourceCsv::header());
        for (long i = 0; i < polls; ++i) {
            metrics.appendLine(MetricsCsv::format(rowAt(rows + i)));
            resources.appendLine(ResourceCsv::format(ResourceRow{double(rows + i) * 0.05, rows + i, 180.5, 512.25, 9, -1}));
            const auto t = Clock::now();
            tail.poll();
            steady.push_back(msSince(t));
        }
    }
    // What a refresh would cost if it re-read the whole file.
    std::vector<double> whole;
    for (int i = 0; i < 5; ++i) {
        const auto t = Clock::now();
        const auto log = MetricsLog::load(metricsPath);
        whole.push_back(msSince(t));
        if (log.rows().size() != std::size_t(rows + polls)) return std::fprintf(stderr, "row count differs\n"), 1;
    }
    if (tail.metrics().size() != std::size_t(rows + polls)) return std::fprintf(stderr, "the tail lost rows\n"), 1;

    std::printf("follow_bench: %ld metrics rows + %ld resource rows (%.1f MiB), %ld live polls\n", rows, rows / 10, megabytes, polls);
    std::printf("%-44s %10s %10s %10s\n", "", "p50 ms", "p99 ms", "max ms");
    std::printf("%-44s %10.3f %10.3f %10.3f\n", ("open: " + std::to_string(catchUp.size()) + " polls of <= 1 MiB per log").c_str(),
                percentile(catchUp, 0.5), percentile(catchUp, 0.99), *std::max_element(catchUp.begin(), catchUp.end()));
    std::printf("%-44s %10.4f %10.4f %10.4f\n", "live poll (one new row per log)", percentile(steady, 0.5),
                percentile(steady, 0.99), *std::max_element(steady.begin(), steady.end()));
    std::printf("%-44s %10.1f %10s %10.1f\n", "re-reading metrics.csv whole (MetricsLog::load)", percentile(whole, 0.5), "",
                *std::max_element(whole.begin(), whole.end()));
    std::printf("open total %.1f ms; bytes read by the tail %.1f MiB (= the files' size: each byte once)\n", catchUpTotal,
                double(tail.bytesRead()) / 1048576.0);
    std::filesystem::remove_all(dir);
    return 0;
}
