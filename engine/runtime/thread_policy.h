// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace logbert {

/// The CPUs this process may use at all, and which limit decided it: the affinity mask
/// (taskset, cpusets), a cgroup CPU quota (containers), or on Apple Silicon the performance
/// cores (a parallel region runs at the pace of its slowest thread, so efficiency cores slow
/// every one of them down).
struct CpuBudget {
    int cpus = 1;
    std::string reason; ///< "2 CPUs in the affinity mask", "cgroup CPU quota 1.50 → 2", ...
};
CpuBudget cpuBudget();

/// A cgroup CPU quota in CPUs: v2 `cpu.max` text ("150000 100000" → 1.5, "max 100000" → none),
/// v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us` (quota -1 → none). Exposed for tests.
std::optional<double> cgroupV2Quota(const std::string& cpuMaxText);
std::optional<double> cgroupV1Quota(long long quotaMicroseconds, long long periodMicroseconds);
/// The CPUs a quota allows threads for: rounded to the nearest whole CPU, at least 1.
int cpusForQuota(double quota);

/// How many of `budget` CPUs other programs keep busy, from the machine's CPU time minus this
/// process's own over a window (Linux: /proc/stat over the CPUs of the affinity mask; macOS:
/// host CPU load ticks).
class CpuLoadProbe {
public:
    CpuLoadProbe();
    /// CPUs busy with other work since the previous call (or construction); nullopt when the
    /// window was too short to tell or the platform cannot say.
    std::optional<double> othersSinceLastSample();
    double secondsSinceLastSample() const;

private:
    struct Sample {
        double machineBusy = 0, machineTotal = 0; ///< CPU ticks over the mask's CPUs
        int cpus = 0;
        double ownSeconds = 0;
        std::chrono::steady_clock::time_point at;
        bool valid = false;
    };
    static Sample take();
    Sample last_;
};

/// Intra-op threads to use, and why ("training.threads: 2", "auto: 2 CPUs in the affinity mask",
/// "auto: other programs use 1.0 of 2 CPUs").
struct ThreadChoice {
    int threads = 1;
    std::string reason;
};

/// The threads a `training.threads` setting means. An explicit count is used as it is. `auto`
/// (0) takes the CPU budget and leaves out the CPUs other programs keep busy: a parallel region
/// waits for its slowest thread, so a thread that has to share its CPU with another program
/// makes the whole step slower than one thread would (measured in README "Training speed").
/// `revise()` re-measures between steps and changes the count when the load has changed for two
/// windows in a row. Same policy for training, estimation, scoring, evaluation and detection.
class ThreadPolicy {
public:
    explicit ThreadPolicy(int setting);
    /// The first choice; measures the load over at least `minWindowSeconds` since construction
    /// (sleeping for what is left of it) when the setting is auto.
    ThreadChoice choose(double minWindowSeconds = 0.2);
    /// Call between steps: a new choice when auto and the load changed, else nullopt. Cheap;
    /// measures only every `windowSeconds`.
    std::optional<ThreadChoice> revise(double windowSeconds = 2.5);
    bool automatic() const { return setting_ <= 0; }
    const ThreadChoice& current() const { return current_; }

    /// The count auto picks for a budget and a measured load (exposed for tests): the budget less
    /// every CPU that others use more than 0.3 of, at least 1.
    static int threadsFor(int budget, double othersBusy);

private:
    ThreadChoice decide(double othersBusy) const;
    int setting_;
    CpuBudget budget_;
    CpuLoadProbe probe_;
    ThreadChoice current_;
    int pending_ = 0; ///< a different count seen in the last window, to confirm in the next
};

} // namespace logbert
