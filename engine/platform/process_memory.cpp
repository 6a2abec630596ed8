// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/platform/process_memory.h"

#include <sys/resource.h>
#include <unistd.h>

#ifdef __APPLE__
#include <mach/mach.h>
#else
#include <cstdio>
#endif

namespace logbert {

std::uint64_t currentRssBytes() {
#ifdef __APPLE__
    mach_task_basic_info info{};
    mach_msg_type_number_t count = MACH_TASK_BASIC_INFO_COUNT;
    if (task_info(mach_task_self(), MACH_TASK_BASIC_INFO, task_info_t(&info), &count) != KERN_SUCCESS) return 0;
    return info.resident_size;
#else
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long pages = 0, resident = 0;
    const int n = std::fscanf(f, "%llu %llu", &pages, &resident);
    std::fclose(f);
    return n == 2 ? resident * std::uint64_t(::sysconf(_SC_PAGESIZE)) : 0;
#endif
}

std::uint64_t peakRssBytes() {
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
#ifdef __APPLE__
    return std::uint64_t(usage.ru_maxrss); // bytes on macOS
#else
    return std::uint64_t(usage.ru_maxrss) * 1024; // kilobytes on Linux
#endif
}

} // namespace logbert
