// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/runtime/thread_policy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <sys/resource.h>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__APPLE__)
#include <mach/mach.h>
#include <sys/sysctl.h>
#endif

namespace logbert {

namespace {

int hardwareThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n ? int(n) : 1;
}

#if defined(__linux__)
std::string formatCpus(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

std::vector<std::string> splitFields(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> fields;
    for (std::string f; in >> f;) fields.push_back(f);
    return fields;
}

bool hasToken(const std::string& commaList, const std::string& token) {
    std::istringstream in(commaList);
    for (std::string t; std::getline(in, t, ',');)
        if (t == token) return true;
    return false;
}

/// Where a cgroup hierarchy is mounted: the mount point and the cgroup path it shows.
struct CgroupMount {
    std::string point, root;
};

/// From /proc/self/mountinfo: the cgroup2 mount (`controller` empty) or the v1 mount of it.
std::optional<CgroupMount> findCgroupMount(const std::string& controller) {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        const auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        const auto before = splitFields(line.substr(0, dash));
        const auto after = splitFields(line.substr(dash + 3));
        if (before.size() < 5 || after.size() < 3) continue;
        const bool match = controller.empty() ? after[0] == "cgroup2"
                                              : after[0] == "cgroup" && hasToken(after[2], controller);
        if (match) return CgroupMount{before[4], before[3]};
    }
    return std::nullopt;
}

/// This process's cgroup path in the v2 hierarchy (`controller` empty) or the v1 one of it.
std::optional<std::string> cgroupPath(const std::string& controller) {
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);) {
        const auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1);
        if (controller.empty() ? controllers.empty() : hasToken(controllers, controller)) return line.substr(b + 1);
    }
    return std::nullopt;
}

std::string readFirstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

/// The smallest quota on the way from this process's cgroup up to the hierarchy's root: a
/// parent's limit holds for its children too.
std::optional<double> cgroupQuota() {
    for (const bool v2 : {true, false}) {
        const std::string controller = v2 ? "" : "cpu";
        const auto mount = findCgroupMount(controller);
        const auto path = cgroupPath(controller);
        if (!mount || !path) continue;
        std::string relative = *path;
        if (mount->root != "/" && relative.rfind(mount->root, 0) == 0) relative = relative.substr(mount->root.size());
        std::optional<double> smallest;
        for (;;) {
            const std::string dir = mount->point + (relative == "/" ? "" : relative);
            std::optional<double> q;
            if (v2) {
                q = cgroupV2Quota(readFirstLine(dir + "/cpu.max"));
            } else {
                const std::string quota = readFirstLine(dir + "/cpu.cfs_quota_us");
                const std::string period = readFirstLine(dir + "/cpu.cfs_period_us");
                if (!quota.empty() && !period.empty()) q = cgroupV1Quota(std::atoll(quota.c_str()), std::atoll(period.c_str()));
            }
            if (q && (!smallest || *q < *smallest)) smallest = q;
            if (relative.empty() || relative == "/") break;
            const auto slash = relative.rfind('/');
            relative = slash == 0 || slash == std::string::npos ? "/" : relative.substr(0, slash);
        }
        if (smallest) return smallest;
    }
    return std::nullopt;
}
#endif

} // namespace

std::optional<double> cgroupV2Quota(const std::string& cpuMaxText) {
    std::istringstream in(cpuMaxText);
    std::string quota;
    long long period = 0;
    if (!(in >> quota >> period) || quota == "max" || period <= 0) return std::nullopt;
    char* end = nullptr;
    const long long q = std::strtoll(quota.c_str(), &end, 10);
    if (end == quota.c_str() || *end || q <= 0) return std::nullopt;
    return double(q) / double(period);
}

std::optional<double> cgroupV1Quota(long long quotaMicroseconds, long long periodMicroseconds) {
    if (quotaMicroseconds <= 0 || periodMicroseconds <= 0) return std::nullopt;
    return double(quotaMicroseconds) / double(periodMicroseconds);
}

int cpusForQuota(double quota) { return std::max(1, int(std::lround(quota))); }

CpuBudget cpuBudget() {
    CpuBudget b;
    b.cpus = hardwareThreads();
    b.reason = std::to_string(b.cpus) + " hardware threads";
#if defined(__linux__)
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (sched_getaffinity(0, sizeof mask, &mask) == 0 && CPU_COUNT(&mask) > 0) {
        b.cpus = CPU_COUNT(&mask);
        b.reason = std::to_string(b.cpus) + " CPU" + (b.cpus == 1 ? "" : "s") + " in the affinity mask";
    }
    if (const auto quota = cgroupQuota()) {
        const int allowed = cpusForQuota(*quota);
        if (allowed < b.cpus) {
            b.cpus = allowed;
            b.reason = "cgroup CPU quota " + formatCpus(*quota) + " CPUs";
        }
    }
#elif defined(__APPLE__)
    int performance = 0;
    std::size_t size = sizeof performance;
    if (sysctlbyname("hw.perflevel0.physicalcpu", &performance, &size, nullptr, 0) == 0 && performance > 0 &&
        performance < b.cpus) {
        b.reason = std::to_string(performance) + " performance cores (of " + std::to_string(b.cpus) + " cores)";
        b.cpus = performance;
    }
#endif
    return b;
}

CpuLoadProbe::CpuLoadProbe() : last_(take()) {}

CpuLoadProbe::Sample CpuLoadProbe::take() {
    Sample s;
    s.at = std::chrono::steady_clock::now();
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        s.ownSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
#if defined(__linux__)
    cpu_set_t mask;
    CPU_ZERO(&mask);
    const bool haveMask = sched_getaffinity(0, sizeof mask, &mask) == 0;
    std::ifstream in("/proc/stat");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("cpu", 0) != 0 || line.size() < 4 || !std::isdigit(static_cast<unsigned char>(line[3]))) continue;
        unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
        int cpu = -1;
        if (std::sscanf(line.c_str(), "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &user, &nice, &system, &idle,
                        &iowait, &irq, &softirq, &steal) < 5)
            continue;
        if (haveMask && (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &mask))) continue;
        const double busy = double(user + nice + system + irq + softirq + steal);
        s.machineBusy += busy;
        s.machineTotal += busy + double(idle + iowait);
        ++s.cpus;
    }
    s.valid = s.cpus > 0;
#elif defined(__APPLE__)
    host_cpu_load_info_data_t load{};
    mach_msg_type_number_t count = HOST_CPU_LOAD_INFO_COUNT;
    if (host_statistics(mach_host_self(), HOST_CPU_LOAD_INFO, reinterpret_cast<host_info_t>(&load), &count) == KERN_SUCCESS) {
        const double busy = double(load.cpu_ticks[CPU_STATE_USER]) + double(load.cpu_ticks[CPU_STATE_SYSTEM]) +
                            double(load.cpu_ticks[CPU_STATE_NICE]);
        s.machineBusy = busy;
        s.machineTotal = busy + double(load.cpu_ticks[CPU_STATE_IDLE]);
        s.cpus = hardwareThreads();
        s.valid = true;
    }
#endif
    return s;
}

double CpuLoadProbe::secondsSinceLastSample() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - last_.at).count();
}

std::optional<double> CpuLoadProbe::othersSinceLastSample() {
    const Sample now = take();
    const Sample before = last_;
    last_ = now;
    const double wall = std::chrono::duration<double>(now.at - before.at).count();
    const double total = now.machineTotal - before.machineTotal;
    // The kernel counts in ticks of 10 ms per CPU: below ~10 ticks a window says little.
    if (!now.valid || !before.valid || now.cpus != before.cpus || wall < 0.05 || total < 10) return std::nullopt;
    const double busyCpus = (now.machineBusy - before.machineBusy) / total * double(now.cpus);
    const double ownCpus = (now.ownSeconds - before.ownSeconds) / wall;
    return std::clamp(busyCpus - ownCpus, 0.0, double(now.cpus));
}

int ThreadPolicy::threadsFor(int budget, double othersBusy) {
    const int taken = std::max(0, int(std::ceil(othersBusy - 0.3)));
    return std::max(1, budget - taken);
}

ThreadPolicy::ThreadPolicy(int setting) : setting_(setting) {
    if (automatic()) budget_ = cpuBudget();
}

ThreadChoice ThreadPolicy::decide(double othersBusy) const {
    ThreadChoice c;
    c.threads = threadsFor(budget_.cpus, othersBusy);
    c.reason = "auto: " + budget_.reason;
    char load[96];
    std::snprintf(load, sizeof load, "; other programs keep %.1f CPU%s busy", othersBusy,
                  std::fabs(othersBusy - 1.0) < 0.05 ? "" : "s");
    if (othersBusy >= 0.05) c.reason += load;
    return c;
}

ThreadChoice ThreadPolicy::choose(double minWindowSeconds) {
    if (!automatic()) {
        current_ = {setting_, "training.threads: " + std::to_string(setting_)};
        return current_;
    }
    const double waited = probe_.secondsSinceLastSample();
    if (waited < minWindowSeconds)
        std::this_thread::sleep_for(std::chrono::duration<double>(minWindowSeconds - waited));
    current_ = decide(probe_.othersSinceLastSample().value_or(0.0));
    pending_ = 0;
    return current_;
}

std::optional<ThreadChoice> ThreadPolicy::revise(double windowSeconds) {
    if (!automatic() || probe_.secondsSinceLastSample() < windowSeconds) return std::nullopt;
    const auto others = probe_.othersSinceLastSample();
    if (!others) return std::nullopt;
    const ThreadChoice next = decide(*others);
    if (next.threads == current_.threads) {
        pending_ = 0;
        return std::nullopt;
    }
    if (pending_ != next.threads) { // wait for a second window that agrees
        pending_ = next.threads;
        return std::nullopt;
    }
    pending_ = 0;
    current_ = next;
    return current_;
}

} // namespace logbert
