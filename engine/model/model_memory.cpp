// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/model/model_memory.h"

#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/core/errors.h"

namespace logbert {

namespace {
double intermediate(const ModelConfig& m) { return m.intermediateSize > 0 ? m.intermediateSize : 4.0 * m.hiddenSize; }

double activationsPerLayer(const ModelConfig& m, double batch, double n) {
    const double d = m.hiddenSize, f = intermediate(m), heads = m.numAttentionHeads;
    return batch * n * (12 * d + 2 * f) + 3 * batch * heads * n * n;
}

std::string gib(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, bytes >= 10.0 * (1ULL << 30) ? "%.0f GiB" : "%.1f GiB", bytes / double(1ULL << 30));
    return text;
}

/// cgroup v2's memory.max of this process's group, 0 when there is none or it is "max".
std::uint64_t cgroupLimit() {
    std::ifstream self("/proc/self/cgroup");
    std::string line, group;
    while (std::getline(self, line))
        if (line.rfind("0::", 0) == 0) group = line.substr(3);
    if (group.empty()) return 0;
    std::ifstream max("/sys/fs/cgroup" + group + "/memory.max");
    std::string value;
    if (!(max >> value) || value == "max") return 0;
    try {
        return std::stoull(value);
    } catch (const std::exception&) {
        return 0;
    }
}
} // namespace

std::int64_t modelParameterCount(const ModelConfig& m, std::int64_t vocabularySize) {
    const std::int64_t d = m.hiddenSize, f = std::int64_t(intermediate(m)), v = vocabularySize;
    const std::int64_t layer = 4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d;
    return v * d + m.numHiddenLayers * layer + 2 * d + d * v + v;
}

ModelMemory trainingMemory(const ModelConfig& m, std::int64_t vocabularySize, std::int64_t batch, std::int64_t tokens) {
    ModelMemory r;
    r.parameters = modelParameterCount(m, vocabularySize);
    r.stateBytes = 16.0 * double(r.parameters);
    const double n = double(tokens);
    r.activationBytes = 4.0 * (m.numHiddenLayers * activationsPerLayer(m, double(batch), n) +
                               2.0 * double(batch) * n * double(vocabularySize));
    return r;
}

ModelMemory scoringMemory(const ModelConfig& m, std::int64_t vocabularySize, std::int64_t batch, std::int64_t tokens) {
    ModelMemory r;
    r.parameters = modelParameterCount(m, vocabularySize);
    r.stateBytes = 4.0 * double(r.parameters);
    const double n = double(tokens);
    // Forward only: one layer's values live at a time.
    r.activationBytes = 4.0 * (activationsPerLayer(m, double(batch), n) + 2.0 * double(batch) * n * double(vocabularySize));
    return r;
}

std::uint64_t usableMemoryBytes(std::string* what) {
    const long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
    std::uint64_t limit = pages > 0 && pageSize > 0 ? std::uint64_t(pages) * std::uint64_t(pageSize) : 0;
    std::string name = "this machine's memory";
    if (const std::uint64_t group = cgroupLimit(); group > 0 && (limit == 0 || group < limit)) {
        limit = group;
        name = "this container's memory limit";
    }
    rlimit as{};
    if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY && (limit == 0 || as.rlim_cur < limit)) {
        limit = std::uint64_t(as.rlim_cur);
        name = "this process's address-space limit (ulimit -v)";
    }
    if (what) *what = name;
    return limit;
}

void checkModelFitsMemory(const ModelMemory& need, const std::string& purpose, const std::string& key) {
    std::string what;
    const std::uint64_t usable = usableMemoryBytes(&what);
    if (usable == 0 || need.total() <= 0.9 * double(usable)) return;
    const std::string parts = need.activationBytes > 0
                                  ? gib(need.stateBytes) + " of model state, " + gib(need.activationBytes) + " for one batch"
                                  : "its model state alone, before any data";
    throw InputError(key, 0, purpose + " needs about " + gib(need.total()) + " (" + std::to_string(need.parameters) +
                                 " parameters; " + parts + "), more than " + what + " (" +
                                 gib(double(usable)) + "); choose a smaller model or batch, or set "
                                 "training.memory_check: off to try anyway");
}

} // namespace logbert
