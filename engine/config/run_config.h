// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "engine/parsing/drain.h"

namespace logbert {

/// How an input file is read.
enum class InputKind {
    Raw,           ///< raw log lines, split into fields by data.format and parsed by Drain
    DeepLog,       ///< one session per line, space-separated integer keys; label from the input
    SequenceCsv,   ///< `Sequence,label` with 0 (normal) / 1 (anomaly)
    StructuredCsv, ///< loghub structured CSV: LineId,...,EventId,EventTemplate
};
/// Which split an input's sessions go to: decided by data.split, or fixed (published splits).
enum class InputRole { Auto, Train, Test };
enum class LabelFilter { All, Normal, Anomaly };

struct InputSpec {
    std::string path;                    ///< as resolved: relative to the YAML file, ${VAR} expanded
    InputKind kind = InputKind::Raw;
    InputRole role = InputRole::Auto;
    std::string label;                   ///< DeepLog files: normal | anomaly
    LabelFilter only = LabelFilter::All; ///< keep only the sessions with this label
    std::string where;                   ///< "file:line" of its YAML entry, for messages
};

enum class SessionRule { Identifier, CountWindow, TimeWindow };
enum class LabelSource { Auto, None, File, Inline };
enum class SplitOrder { Random, Chronological };

/// The `data:` section of a run.
struct DataConfig {
    std::string name;
    std::vector<InputSpec> inputs;
    std::string format = "hdfs"; ///< built-in name or loghub format string
    DrainOptions parser;

    SessionRule sessionRule = SessionRule::Identifier;
    std::string sessionPattern;  ///< identifier regex
    double windowSize = 20;      ///< lines (count) or seconds (time)
    double windowStep = 0;       ///< 0: equal to the size (fixed windows)

    LabelSource labelSource = LabelSource::Auto;
    std::string labelPath;       ///< anomaly_label.csv for LabelSource::File
    std::string labelField = "Label";

    std::vector<std::string> timestampFields;
    std::string timestampFormat;

    double sampleRatio = 1.0;
    int maxFiles = 0;            ///< 0: all files
    SplitOrder splitOrder = SplitOrder::Random;
    double trainRatio = 0.8;     ///< share of the normal sessions that train (rest: test)
    double validationRatio = 0.1; ///< share of the training normals held out for validation
    double anomalyValidationRatio = 0.0; ///< share of anomalies put in a labelled validation part
    std::uint64_t seed = 42;
};

/// The `model:` section (maps one to one onto the model's options struct).
struct ModelConfig {
    int hiddenSize = 256;
    int numHiddenLayers = 4;
    int numAttentionHeads = 4;
    int intermediateSize = 0; ///< 0: 4 x hidden_size
    int maxSeqLen = 256;
    double dropout = 0.1;
    /// auto | on | off: end every session with an [END] token that is masked and predicted like
    /// a key, so that a session that stops early (HDFS: anomalous blocks of 2-3 keys) shows up as
    /// a missed key. auto: on for sessions with a natural end (identifiers, sequence files), off
    /// for time and count windows, whose ends are arbitrary.
    std::string endToken = "auto";
};

/// The `training:` section.
struct TrainingConfig {
    int numEpochs = 2;
    int batchSize = 8;
    double learningRate = 1e-3;
    double maskRatio = 0.5;
    int threads = 0;             ///< 0: auto (engine/runtime/thread_policy.h)
    std::string device = "auto"; ///< auto | cpu | cuda | mps
    std::string precision = "auto"; ///< auto | fp32 | bf16 | fp16 (engine/runtime/precision.h)
    std::uint64_t seed = 42;
    double vhmWeight = 0.1;      ///< alpha in loss = MLKP + alpha * VHM
    double weightDecay = 0.01;   ///< AdamW
    double warmupRatio = 0.1;    ///< share of all steps spent warming the learning rate up
    double gradClip = 1.0;       ///< max gradient norm; 0: no clipping
    int earlyStoppingPatience = 3; ///< epochs without a better validation loss; 0: never stop early
    int logEvery = 10;           ///< steps per metrics.csv row
    double checkpointSeconds = 60; ///< seconds between checkpoints (also at every epoch end)
    std::string initFrom;        ///< run folder whose weights start this run (transfer learning)
    /// on: refuse a model (and batch) whose estimated memory exceeds 90% of what this process
    /// can have (engine/model/model_memory.h), before it is built; off: try anyway.
    bool memoryCheck = true;
    /// Identical training sequences (engine/model/distinct_sequences.h): "keep" trains every copy
    /// (the paper); "once" trains each distinct sequence once per epoch, all alike, so rare normal
    /// patterns weigh as much as common ones; "weighted" trains each once with its losses weighted
    /// by its count (the objective of "keep" in fewer steps).
    std::string duplicates = "keep";
    bool mergesDuplicates() const { return duplicates != "keep"; }
    /// `training.distributed`: used when the process is one rank of several (torchrun, srun,
    /// `logbert train --nproc`); engine/training/distributed_env.h.
    std::string distributedBackend = "auto"; ///< auto | gloo | nccl
    double distributedTimeoutSeconds = 300;  ///< rendezvous and every collective
};

/// The `detection:` section: how sessions are scored and flagged.
struct DetectionConfig {
    int topG = 9;                ///< a masked key is a miss when it is not among the top-g predictions
    int maskPasses = 2;          ///< position p is masked in pass p mod passes: every key is scored once
    double targetFpr = 0.001;    ///< false-positive rate the miss rules may reach on normal validation data
    double distanceTail = 1e-5;  ///< tail probability of the fitted distance tail (see chooseThresholds)
    double distanceMargin = 4;   ///< the distance threshold's factor over the validation evidence
    int batchSize = 128;
};

/// One run's configuration: a preset, then the run file, then a data file, then --set
/// overrides, each layer overriding the one before. Every field is validated on load.
struct RunConfig {
    std::string preset;
    DataConfig data;
    ModelConfig model;
    TrainingConfig training;
    DetectionConfig detection;
    std::set<std::string> explicitKeys; ///< keys some layer set (the rest are defaults)
    std::vector<std::string> sources;   ///< the files and flags it was built from

    /// Fully resolved YAML (every field, defaults included).
    std::string toYaml() const;
};

/// Where a run's configuration comes from. Any of them may be empty.
struct ConfigSources {
    std::string presetName;             ///< built-in preset name or path of a preset YAML
    std::string runFile;                ///< run YAML (may name `preset:`)
    std::string dataFile;               ///< YAML with a `data:` section (or the section's body)
    std::vector<std::string> overrides; ///< "key=value", e.g. "model.hidden_size=128"
};

/// True when a YAML file is a run file (a top-level `preset:`, `model:`, `training:` or
/// `detection:`), false for a data file. InputError when it cannot be read or parsed.
bool isRunFile(const std::string& path);

/// Loads, merges and validates. Throws InputError with `file:line: message`.
RunConfig loadRunConfig(const ConfigSources& sources);

/// Whether the model ends sessions with an [END] token (resolves model.end_token: auto).
bool usesEndToken(const RunConfig& config);

/// Applies the defaults of a built-in format (masks, similarity, depth, sessions, timestamps,
/// labels) to the fields the config did not set explicitly.
void applyFormatDefaults(RunConfig& config);

} // namespace logbert
