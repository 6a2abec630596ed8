// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "engine/training/run_folder.h"

namespace logbert {

/// What a run folder is doing, as someone who only reads it sees it: whether a process writes it
/// now (its lock, run_lock.h), and otherwise how it ended (run.json). The workbench shows this for
/// a run another process trains — the CLI, torchrun, a server writing to a shared folder.
struct RunActivity {
    enum class State {
        NotARun,    ///< no config.yaml
        NotStarted, ///< a run folder whose training has not begun (or never got to its first write)
        Running,    ///< a process holds the folder: training, resuming or evaluating it
        Finished,   ///< trained to its end (early stop included)
        Stopped,    ///< cancelled, or its process died: `train --resume` continues it
        Failed,     ///< run.json says why
    };
    State state = State::NotARun;
    std::string writer;       ///< who holds the folder while Running ("logbert train (pid 41 on host, since …)")
    bool writtenHere = false; ///< the writer is this process
    RunInfo info;             ///< run.json (defaults when it cannot be read)
    std::string infoError;    ///< why run.json could not be read
    bool evaluated = false;   ///< results.json is there
    int epoch = 0;            ///< the epoch in progress, or the last one trained
    std::int64_t step = 0;    ///< optimizer steps done: metrics.csv's newest, run.json's at its last checkpoint

    /// One line for a status bar: "running elsewhere: logbert train (pid 41 …) · epoch 2/5 · step 120/400",
    /// "finished: 5 epochs, 400 steps · evaluated", "stopped at epoch 2/5, step 120 · resume continues it".
    std::string text() const;
    /// A few words for a table cell: "running elsewhere", "finished", "stopped at epoch 2", "failed".
    std::string shortText() const;
    bool operator==(const RunActivity& other) const;
    bool operator!=(const RunActivity& other) const { return !(*this == other); }
};

/// Reads the folder's lock, run.json and whether results.json exists. `epochSeen` and `stepSeen`
/// are the newest its metrics.csv shows (0: unknown): run.json is written at checkpoints only.
/// Never throws.
RunActivity readRunActivity(const std::string& runDir, int epochSeen = 0, std::int64_t stepSeen = 0);

} // namespace logbert
