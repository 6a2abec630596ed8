// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/run_folder_tail.h"

#include <sys/stat.h>

#include <optional>

#include "engine/core/errors.h"
#include "engine/io/file_tail.h"

namespace logbert {

namespace {
/// One growing CSV log: its tail, the header once seen, and the parser that header gives.
template <class Format, class Row>
struct CsvLog {
    CsvLog(const std::string& path, std::size_t slice) : tail(path, slice) {}
    FileTail tail;
    std::optional<Format> format;

    /// Appends the rows of one slice of new bytes to `rows`; true when they started again from the top.
    bool read(std::vector<Row>& rows, std::string& error) {
        bool restarted = false;
        std::vector<std::string> lines;
        {
            FileTail::Result r;
            try {
                r = tail.read(lines);
            } catch (const InputError& e) {
                error = e.what();
                return restarted;
            }
            if (r == FileTail::Result::Restarted) {
                rows.clear();
                format.reset();
                restarted = true;
            }
            for (std::size_t i = 0; i < lines.size(); ++i) {
                if (lines[i].empty()) continue;
                const long number = long(tail.firstLineNumber() + i);
                try {
                    if (!format) format.emplace(lines[i], tail.path());
                    else rows.push_back(format->parse(lines[i], tail.path(), number));
                } catch (const InputError& e) {
                    error = e.what(); // this line is left out; the next ones still count
                }
            }
        }
        return restarted;
    }
};

/// A file's identity and version, to notice that it was written again.
std::string stampOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtime);
}
} // namespace

struct RunFolderTail::Logs {
    Logs(const std::string& dir, std::size_t slice)
        : metrics(runFilePath(dir, run_files::kMetrics), slice), resources(runFilePath(dir, run_files::kResources), slice) {}
    CsvLog<MetricsCsv, MetricsRow> metrics;
    CsvLog<ResourceCsv, ResourceRow> resources;
};

RunFolderTail::RunFolderTail(std::string runDir, std::size_t maxBytesPerPoll)
    : runDir_(std::move(runDir)), logs_(std::make_unique<Logs>(runDir_, maxBytesPerPoll)) {}

bool RunFolderTail::caughtUp() const { return logs_->metrics.tail.atEnd() && logs_->resources.tail.atEnd(); }
RunFolderTail::~RunFolderTail() = default;

std::uint64_t RunFolderTail::bytesRead() const {
    return logs_->metrics.tail.bytesRead() + logs_->resources.tail.bytesRead();
}

RunFolderChange RunFolderTail::poll() {
    RunFolderChange c;
    const std::string errorBefore = error_;
    error_.clear();
    c.newMetricsFrom = metrics_.size();
    c.newResourcesFrom = resources_.size();
    c.metricsRestarted = logs_->metrics.read(metrics_, error_);
    c.resourcesRestarted = logs_->resources.read(resources_, error_);
    if (c.metricsRestarted) c.newMetricsFrom = 0;
    if (c.resourcesRestarted) c.newResourcesFrom = 0;
    c.errorChanged = error_ != errorBefore;

    RunActivity now = metrics_.empty() ? readRunActivity(runDir_)
                                       : readRunActivity(runDir_, metrics_.back().epoch, metrics_.back().step);
    c.activityChanged = !polled_ || now != activity_;
    activity_ = std::move(now);
    if (!activity_.writer.empty()) lastWriterHere_ = activity_.writtenHere;

    // The Results page can open an evaluation once it is complete: results.json is written while
    // the evaluating process holds the folder, so wait for it to let go.
    const std::string stamp = stampOf(runFilePath(runDir_, run_files::kResults));
    if (stamp != resultsStamp_) {
        if (polled_ && !stamp.empty()) evaluationPending_ = true;
        resultsStamp_ = stamp;
    }
    if (evaluationPending_ && activity_.writer.empty()) {
        evaluationPending_ = false;
        c.evaluationLanded = !lastWriterHere_; // this process's own evaluation is already on show
    }
    polled_ = true;
    return c;
}

} // namespace logbert
