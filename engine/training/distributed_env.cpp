// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/distributed_env.h"

#include <cerrno>
#include <cstdlib>

#include "engine/core/errors.h"

namespace logbert {
namespace {

/// An environment variable as an integer in [lo, hi]; InputError naming it otherwise.
long integerVariable(const char* name, const char* value, long lo, long hi) {
    const std::string text = value ? value : "";
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end || errno || n < lo || n > hi)
        throw InputError(name, 0, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                      ", found '" + text.substr(0, 40) + "'");
    return n;
}

void readMaster(DistributedEnv& env, const std::function<const char*(const char*)>& get, const char* launcher) {
    const char* addr = get("MASTER_ADDR");
    const char* port = get("MASTER_PORT");
    if (!addr || !*addr || !port || !*port)
        throw InputError("MASTER_ADDR", 0,
                         std::string("a distributed run under ") + launcher +
                             " needs MASTER_ADDR and MASTER_PORT (the host and a free port of rank 0)");
    env.masterAddress = addr;
    env.masterPort = int(integerVariable("MASTER_PORT", port, 1, 65535));
}

} // namespace

std::string DistributedEnv::describe() const {
    if (!distributed()) return "";
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize);
}

DistributedEnv readDistributedEnv(const std::function<const char*(const char*)>& getenv) {
    const auto get = getenv ? getenv : [](const char* name) -> const char* { return std::getenv(name); };
    DistributedEnv env;
    constexpr long kMaxWorld = 1 << 20;
    if (get("WORLD_SIZE") || get("RANK")) {
        // `logbert train --nproc` marks its workers; anything else setting these is torchrun-like.
        env.launcher = get("LOGBERT_LAUNCHER") ? get("LOGBERT_LAUNCHER") : "torchrun";
        env.worldSize = int(integerVariable("WORLD_SIZE", get("WORLD_SIZE"), 1, kMaxWorld));
        env.rank = int(integerVariable("RANK", get("RANK"), 0, env.worldSize - 1));
        env.localWorldSize = get("LOCAL_WORLD_SIZE") ? int(integerVariable("LOCAL_WORLD_SIZE", get("LOCAL_WORLD_SIZE"), 1, env.worldSize))
                                                     : env.worldSize;
        env.localRank = get("LOCAL_RANK") ? int(integerVariable("LOCAL_RANK", get("LOCAL_RANK"), 0, env.localWorldSize - 1))
                                          : env.rank % env.localWorldSize;
        if (const char* agent = get("TORCHELASTIC_USE_AGENT_STORE"); agent && std::string(agent) == "True") {
            env.agentStore = true;
            if (get("TORCHELASTIC_RESTART_COUNT"))
                env.restartAttempt = int(integerVariable("TORCHELASTIC_RESTART_COUNT", get("TORCHELASTIC_RESTART_COUNT"), 0, 1 << 20));
        }
    } else if (get("SLURM_PROCID") && get("SLURM_NTASKS")) {
        env.launcher = "slurm";
        env.worldSize = int(integerVariable("SLURM_NTASKS", get("SLURM_NTASKS"), 1, kMaxWorld));
        env.rank = int(integerVariable("SLURM_PROCID", get("SLURM_PROCID"), 0, env.worldSize - 1));
        env.localRank = get("SLURM_LOCALID") ? int(integerVariable("SLURM_LOCALID", get("SLURM_LOCALID"), 0, env.worldSize - 1)) : 0;
        env.localWorldSize = env.localRank + 1; // at least; srun's per-node counts ("2(x3)") are not needed
    }
    if (env.distributed()) readMaster(env, get, env.launcher.c_str());
    return env;
}

} // namespace logbert
