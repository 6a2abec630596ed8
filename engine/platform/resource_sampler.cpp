// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/platform/resource_sampler.h"

#include <sys/resource.h>

#ifdef __APPLE__
#include <mach/mach.h>
#else
#include <cstdio>
#include <cstring>
#include <unistd.h>
#endif

namespace logbert {

ResourceSampler::ResourceSampler()
    : lastCpu_(cpuSeconds()), lastWall_(std::chrono::steady_clock::now()), gpu_(std::make_unique<GpuMemoryProbe>()) {}

double ResourceSampler::cpuSeconds() const {
    rusage usage{}; // user + system time of all threads; same call on Linux and macOS
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

ResourceSample ResourceSampler::sample() {
    ResourceSample s;
    const auto now = std::chrono::steady_clock::now();
    const double cpu = cpuSeconds();
    const double wall = std::chrono::duration<double>(now - lastWall_).count();
    if (wall > 0) s.cpuPercent = 100.0 * (cpu - lastCpu_) / wall;
    lastCpu_ = cpu;
    lastWall_ = now;
#ifdef __APPLE__
    mach_task_basic_info info{};
    mach_msg_type_number_t count = MACH_TASK_BASIC_INFO_COUNT;
    if (task_info(mach_task_self(), MACH_TASK_BASIC_INFO, task_info_t(&info), &count) == KERN_SUCCESS)
        s.rssBytes = info.resident_size;
    thread_act_array_t threads = nullptr;
    mach_msg_type_number_t threadCount = 0;
    if (task_threads(mach_task_self(), &threads, &threadCount) == KERN_SUCCESS) {
        s.threads = int(threadCount);
        for (mach_msg_type_number_t i = 0; i < threadCount; ++i) mach_port_deallocate(mach_task_self(), threads[i]);
        vm_deallocate(mach_task_self(), vm_address_t(threads), threadCount * sizeof(thread_act_t));
    }
#else
    if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f)) {
            unsigned long long value = 0;
            if (std::sscanf(line, "VmRSS: %llu kB", &value) == 1) s.rssBytes = value * 1024;
            else if (std::sscanf(line, "Threads: %llu", &value) == 1) s.threads = int(value);
        }
        std::fclose(f);
    }
#endif
    s.gpuBytes = gpu_->processBytes();
    return s;
}

} // namespace logbert
