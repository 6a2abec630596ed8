// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "engine/core/job.h"

namespace logbert {

struct DemoOptions {
    std::uint64_t seed = 7;
    std::size_t sessions = 4000;   ///< HDFS blocks
    double anomalyRatio = 0.03;    ///< share of anomalous blocks (HDFS has 2.9%)
};

struct DemoSummary {
    std::string logPath;
    std::string labelPath;
    std::string configPath;
    std::string kindPath; ///< anomaly_kinds.csv: BlockId,Kind,KnownKeysOnly of each anomalous block
    std::size_t lines = 0;
    std::size_t sessions = 0;
    std::size_t anomalies = 0;
    std::size_t knownKeyAnomalies = 0; ///< anomalies made only of keys normal blocks have too
};

/// Writes a realistic HDFS-like raw log into `dir`: blocks go through their life cycle
/// (allocation, receiving from three replicas, packet responders, stored-block updates, reads,
/// verification, re-replication, deletion) interleaved in time, and a few percent of them go
/// wrong. Half of those bring a key no normal block has (lost replicas, exceptions while serving,
/// interrupted writes, repeated retries, failed deletes, redundant updates, short failed blocks);
/// the other half keep to known keys in an order or count no normal block has (acknowledged
/// before received, a replica never recorded, a restarted write pipeline, a block that stops
/// after its first replica), which key-set rules cannot see. Also writes anomaly_label.csv,
/// anomaly_kinds.csv and a run config demo.yaml. The same seed gives the same bytes. Files are
/// written atomically.
/// What the demo data is, in a few sentences for the GUI, the config it writes and the README:
/// synthetic, and which anomaly kinds it holds.
std::string demoDatasetNote();

DemoSummary writeDemoDataset(const std::string& dir, const DemoOptions& options = {},
                             const JobControl& job = {});

} // namespace logbert
