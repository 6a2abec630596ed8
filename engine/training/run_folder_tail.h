// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_activity.h"

namespace logbert {

/// What one RunFolderTail::poll() found.
struct RunFolderChange {
    /// A log was replaced (a resume rewrote it) or cut: its rows start again from index 0.
    bool metricsRestarted = false, resourcesRestarted = false;
    /// Index of the first row this poll added to metrics() / resources().
    std::size_t newMetricsFrom = 0, newResourcesFrom = 0;
    bool activityChanged = false;
    /// results.json appeared or was rewritten by another process, which no longer writes the folder.
    bool evaluationLanded = false;
    bool errorChanged = false;

    bool any(std::size_t metricsCount, std::size_t resourcesCount) const {
        return metricsRestarted || resourcesRestarted || newMetricsFrom < metricsCount ||
               newResourcesFrom < resourcesCount || activityChanged || evaluationLanded || errorChanged;
    }
};

/// Follows a run folder that another process writes, the way TensorBoard follows a logdir: each
/// poll() reads only what was appended to metrics.csv and resources.csv since the last one
/// (FileTail), re-reads run.json only when it changed, and probes the folder's lock. Rows stay
/// in memory for the charts. A malformed line is skipped and named in error(); the others still
/// arrive. A poll reads at most `maxBytesPerPoll` of each log, so that opening a long run costs a
/// few bounded polls (caughtUp() says when they are done) instead of one long one: cheap enough to
/// poll from a GUI thread.
class RunFolderTail {
public:
    explicit RunFolderTail(std::string runDir, std::size_t maxBytesPerPoll = std::size_t(1) << 20);
    ~RunFolderTail();

    RunFolderChange poll();
    /// The last poll reached the end of both logs (otherwise poll again for the rest).
    bool caughtUp() const;

    const std::string& runDir() const { return runDir_; }
    const std::vector<MetricsRow>& metrics() const { return metrics_; }
    const std::vector<ResourceRow>& resources() const { return resources_; }
    const RunActivity& activity() const { return activity_; }
    /// The last problem met reading the logs ("" when none).
    const std::string& error() const { return error_; }
    /// Bytes read from the two logs since construction: following costs what was appended.
    std::uint64_t bytesRead() const;

private:
    struct Logs;
    std::string runDir_;
    std::unique_ptr<Logs> logs_;
    std::vector<MetricsRow> metrics_;
    std::vector<ResourceRow> resources_;
    RunActivity activity_;
    bool polled_ = false;
    std::string resultsStamp_; // results.json's identity when last seen ("" absent)
    bool evaluationPending_ = false;
    bool lastWriterHere_ = false; // the last writer seen was this process
    std::string error_;
};

} // namespace logbert
