// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/training/run_folder.h"

#include <ctime>
#include <filesystem>
#include <yaml-cpp/yaml.h>

#include "engine/config/yaml_limits.h"
#include "engine/core/errors.h"
#include "engine/io/atomic_file.h"
#include "engine/io/json_writer.h"
#include "engine/training/run_lock.h"

namespace logbert {
namespace fs = std::filesystem;

std::string runFilePath(const std::string& runDir, const char* name) { return (fs::path(runDir) / name).string(); }

void prepareNewRunFolder(const std::string& runDir) {
    std::error_code ec;
    if (fs::exists(runDir, ec)) {
        if (!fs::is_directory(runDir, ec)) throw InputError(runDir, 0, "exists and is not a folder");
        removeStaleTempFiles(runDir); // a run killed while creating its folder is an empty folder
        bool empty = true;            // but for the lock of the writer preparing it (run_lock.h)
        for (fs::directory_iterator it(runDir, ec), end; !ec && it != end; it.increment(ec))
            empty &= it->path().filename() == RunFolderLock::kFileName;
        if (!empty) {
            if (fs::exists(runFilePath(runDir, run_files::kConfig), ec)) {
                // A run that failed (a diverging loss) is not worth resuming with the same config:
                // say why it failed, so that the way out is a new --out with other settings.
                std::string failed;
                try {
                    const RunInfo info = RunInfo::load(runDir);
                    if (info.status == "failed" && !info.error.empty()) failed = info.error;
                } catch (const InputError&) {
                }
                if (!failed.empty())
                    throw InputError(runDir, 0, "holds a run that failed (" + failed +
                                                    "); choose another --out for new settings, or delete the folder");
                throw InputError(runDir, 0, "already holds a run; use --resume to continue it, or choose another --out");
            }
            throw InputError(runDir, 0, "folder is not empty; choose a new or empty folder for the run");
        }
        return;
    }
    fs::create_directories(runDir, ec);
    if (ec) throw InputError(runDir, 0, "cannot create the run folder: " + ec.message());
}

RunConfig loadRunFolderConfig(const std::string& runDir) {
    std::error_code ec;
    const std::string config = runFilePath(runDir, run_files::kConfig);
    if (!fs::is_directory(runDir, ec)) throw InputError(runDir, 0, "no such run folder");
    if (!fs::exists(config, ec)) throw InputError(runDir, 0, "not a run folder (no config.yaml)");
    ConfigSources sources;
    sources.runFile = config;
    return loadRunConfig(sources);
}

std::string isoTimeNow() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void RunInfo::save(const std::string& runDir) const {
    JsonWriter j;
    j.beginObject()
        .field("status", status)
        .field("device", device)
        .field("precision", precision)
        .field("threads", threads)
        .field("threads_reason", threadsReason)
        .field("world_size", worldSize)
        .field("backend", backend)
        .field("communication_seconds", communicationSeconds)
        .field("parameters", parameters)
        .field("vocabulary_size", vocabularySize)
        .field("train_sequences", trainSequences)
        .field("validation_sequences", validationSequences)
        .field("distinct_train_sequences", distinctTrainSequences)
        .field("epochs_done", epochsDone)
        .field("num_epochs", numEpochs)
        .field("steps", steps)
        .field("total_steps", totalSteps)
        .field("training_seconds", trainingSeconds)
        .field("sequences_per_second", sequencesPerSecond)
        .field("tokens_per_second", tokensPerSecond)
        .field("trained_sequences", trainedSequences)
        .field("trained_tokens", trainedTokens)
        .field("step_seconds", stepSeconds)
        .field("best_epoch", bestEpoch)
        .field("best_validation_loss", bestValidationLoss)
        .field("stopped_early", stoppedEarly)
        .field("peak_rss_mb", peakRssMegabytes)
        .field("start_rss_mb", startRssMegabytes)
        .field("training_rss_mb", trainingRssMegabytes)
        .field("model_gflops_per_second", modelGflopsPerSecond)
        .field("matmul_gflops", matmulGflops)
        .field("flop_utilisation", matmulGflops > 0 ? modelGflopsPerSecond / matmulGflops : 0.0)
        .field("init_from", initFrom)
        .field("started", started)
        .field("updated", updated)
        .field("error", error)
        .endObject();
    writeFileAtomically(runFilePath(runDir, run_files::kRunInfo), j.str() + "\n");
}

RunInfo RunInfo::load(const std::string& runDir) {
    const std::string path = runFilePath(runDir, run_files::kRunInfo);
    RunInfo info;
    const YAML::Node root = loadConfigYaml(path, "run.json"); // JSON is YAML
    if (!root.IsMap()) throw InputError(path, 0, "expected a JSON object");
    auto get = [&](const char* key, auto& field) {
        if (root[key] && !root[key].IsNull()) {
            try {
                field = root[key].as<std::decay_t<decltype(field)>>();
            } catch (const YAML::Exception&) {
                throw InputError(path, long(root[key].Mark().line) + 1, std::string(key) + ": unexpected value");
            }
        }
    };
    get("status", info.status);
    get("device", info.device);
    get("precision", info.precision);
    get("threads", info.threads);
    get("threads_reason", info.threadsReason);
    get("world_size", info.worldSize);
    get("backend", info.backend);
    get("communication_seconds", info.communicationSeconds);
    get("parameters", info.parameters);
    get("vocabulary_size", info.vocabularySize);
    get("train_sequences", info.trainSequences);
    get("validation_sequences", info.validationSequences);
    get("distinct_train_sequences", info.distinctTrainSequences);
    get("epochs_done", info.epochsDone);
    get("num_epochs", info.numEpochs);
    get("steps", info.steps);
    get("total_steps", info.totalSteps);
    get("training_seconds", info.trainingSeconds);
    get("sequences_per_second", info.sequencesPerSecond);
    get("tokens_per_second", info.tokensPerSecond);
    get("trained_sequences", info.trainedSequences);
    get("trained_tokens", info.trainedTokens);
    get("step_seconds", info.stepSeconds);
    get("best_epoch", info.bestEpoch);
    get("best_validation_loss", info.bestValidationLoss);
    get("stopped_early", info.stoppedEarly);
    get("peak_rss_mb", info.peakRssMegabytes);
    get("start_rss_mb", info.startRssMegabytes);
    get("training_rss_mb", info.trainingRssMegabytes);
    get("model_gflops_per_second", info.modelGflopsPerSecond);
    get("matmul_gflops", info.matmulGflops);
    get("init_from", info.initFrom);
    get("started", info.started);
    get("updated", info.updated);
    get("error", info.error);
    return info;
}

} // namespace logbert
