// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <string>

namespace logbert {

/// Where this process stands in a data-parallel training job, as its launcher told it:
/// torchrun (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), Slurm's
/// srun (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID with MASTER_ADDR/MASTER_PORT given), or
/// `logbert train --nproc N`, which sets torchrun's variables for its workers. Without any of
/// them the process is the only rank.
struct DistributedEnv {
    int rank = 0, worldSize = 1;
    int localRank = 0, localWorldSize = 1;
    std::string masterAddress; ///< host of rank 0's rendezvous store
    int masterPort = 0;
    std::string launcher = "none"; ///< torchrun | slurm | logbert --nproc | none
    /// torchrun's agent already serves the store at MASTER_PORT (TORCHELASTIC_USE_AGENT_STORE):
    /// every rank joins it as a client, under the prefix of the agent's restart attempt.
    bool agentStore = false;
    int restartAttempt = 0;

    bool distributed() const { return worldSize > 1; }
    bool writesRunFolder() const { return rank == 0; }
    /// "rank 1 of 2" (or "" for a single process), for messages.
    std::string describe() const;
};

/// Reads the launcher's variables through `getenv` (the process's own by default). Bad values
/// (RANK past WORLD_SIZE, a port that is not a number, a world without MASTER_ADDR) are
/// InputErrors naming the variable.
DistributedEnv readDistributedEnv(const std::function<const char*(const char*)>& getenv = {});

} // namespace logbert
