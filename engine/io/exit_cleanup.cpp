// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/io/exit_cleanup.h"

#include <atomic>
#include <cstring>
#include <unistd.h>

namespace logbert {

namespace {
constexpr int kSlots = 64;
constexpr std::size_t kPathMax = 4096;

enum State : int { kFree = 0, kWriting = 1, kFile = 2, kDirectory = 3 };

struct Slot {
    std::atomic<int> state{kFree};
    char path[kPathMax];
};
Slot g_slots[kSlots];
} // namespace

int ExitCleanup::remember(const std::string& path, bool directory) {
    if (path.size() >= kPathMax) return -1;
    for (int i = 0; i < kSlots; ++i) {
        int expected = kFree;
        if (!g_slots[i].state.compare_exchange_strong(expected, kWriting)) continue;
        std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
        g_slots[i].state.store(directory ? kDirectory : kFile, std::memory_order_release);
        return i;
    }
    return -1;
}

void ExitCleanup::forget(int handle) {
    if (handle >= 0 && handle < kSlots) g_slots[handle].state.store(kFree, std::memory_order_release);
}

void ExitCleanup::removeRegisteredPaths() noexcept {
    for (int i = kSlots; i-- > 0;)
        if (g_slots[i].state.load(std::memory_order_acquire) == kFile) ::unlink(g_slots[i].path);
    for (int i = kSlots; i-- > 0;)
        if (g_slots[i].state.load(std::memory_order_acquire) == kDirectory) ::rmdir(g_slots[i].path);
}

} // namespace logbert
