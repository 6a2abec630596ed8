// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/run_activity.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "engine/training/run_lock.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {
/// The owner line names "(pid N on HOST, …": is that us?
bool ownerIsThisProcess(const std::string& owner) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) return false;
    return owner.find("(pid " + std::to_string(::getpid()) + " on " + host + ",") != std::string::npos;
}

std::string progressOf(const RunActivity& a) {
    std::string s = "epoch " + std::to_string(std::max(a.epoch, 1));
    if (a.info.numEpochs > 0) s += "/" + std::to_string(a.info.numEpochs);
    s += ", step " + std::to_string(a.step);
    if (a.info.totalSteps > 0) s += "/" + std::to_string(a.info.totalSteps);
    return s;
}
} // namespace

RunActivity readRunActivity(const std::string& runDir, int epochSeen, std::int64_t stepSeen) {
    RunActivity a;
    std::error_code ec;
    if (!fs::exists(runFilePath(runDir, run_files::kConfig), ec)) {
        // A new run's folder holds only its lock until the data is read: still a run being made.
        a.writer = RunFolderLock::holder(runDir);
        if (!a.writer.empty()) {
            a.state = RunActivity::State::Running;
            a.writtenHere = ownerIsThisProcess(a.writer);
        }
        return a;
    }
    a.writer = RunFolderLock::holder(runDir);
    a.writtenHere = !a.writer.empty() && ownerIsThisProcess(a.writer);
    if (fs::exists(runFilePath(runDir, run_files::kRunInfo), ec)) {
        try {
            a.info = RunInfo::load(runDir);
        } catch (const std::exception& e) {
            a.infoError = e.what(); // caught mid-rename on a network share, or damaged: the next read tells
        }
    }
    a.evaluated = fs::exists(runFilePath(runDir, run_files::kResults), ec);
    a.epoch = std::max(epochSeen, a.info.epochsDone);
    a.step = std::max(stepSeen, a.info.steps);
    if (!a.writer.empty()) a.state = RunActivity::State::Running;
    else if (a.info.status == "trained") a.state = RunActivity::State::Finished;
    else if (a.info.status == "failed") a.state = RunActivity::State::Failed;
    else if (a.info.status == "cancelled" || a.info.status == "training") a.state = RunActivity::State::Stopped;
    else a.state = RunActivity::State::NotStarted;
    return a;
}

std::string RunActivity::text() const {
    switch (state) {
    case State::NotARun: return "not a run folder (no config.yaml)";
    case State::NotStarted: return "not started";
    case State::Running: {
        std::string who = writtenHere ? "running in this window" : "running elsewhere: " + writer;
        return info.status == "trained" ? who + " · evaluating" : who + " · " + progressOf(*this);
    }
    case State::Finished:
        return "finished: " + std::to_string(info.epochsDone) + " epochs, " + std::to_string(step) + " steps" +
               (info.stoppedEarly ? " (early stop)" : "") + (evaluated ? " · evaluated" : " · not evaluated");
    case State::Stopped:
        return "stopped at " + progressOf(*this) + " · train --resume continues from its last checkpoint";
    case State::Failed: return "failed at " + progressOf(*this) + ": " + info.error;
    }
    return {};
}

std::string RunActivity::shortText() const {
    switch (state) {
    case State::NotARun: return "not a run";
    case State::NotStarted: return "not started";
    case State::Running: return writtenHere ? "running here" : "running elsewhere";
    case State::Finished: return "finished";
    case State::Stopped: return "stopped at epoch " + std::to_string(std::max(epoch, 1));
    case State::Failed: return "failed";
    }
    return {};
}

bool RunActivity::operator==(const RunActivity& o) const {
    return state == o.state && writer == o.writer && writtenHere == o.writtenHere && evaluated == o.evaluated &&
           epoch == o.epoch && step == o.step && infoError == o.infoError && info.status == o.info.status && info.steps == o.info.steps &&
           info.epochsDone == o.info.epochsDone && info.updated == o.info.updated && info.error == o.info.error;
}

} // namespace logbert
