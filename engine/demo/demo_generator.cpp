// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/demo/demo_generator.h"

#include <cstdio>
#include <filesystem>
#include <iterator>
#include <queue>
#include <vector>

#include "engine/core/errors.h"
#include "engine/core/hashing.h"
#include "engine/io/atomic_file.h"
#include "engine/parsing/timestamp.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {

/// A small deterministic generator (std:: distributions differ between standard libraries).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() { return state_ = mix64(state_); }
    double uniform() { return unitInterval(next()); }
    int range(int lo, int hi) { return lo + int(next() % std::uint64_t(hi - lo + 1)); } // inclusive
    bool chance(double p) { return uniform() < p; }

private:
    std::uint64_t state_;
};

struct PendingLine {
    double time;
    std::uint64_t seq;
    std::string text;
    bool operator>(const PendingLine& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

enum class Anomaly {
    None,
    // With a key no normal block has (most real HDFS anomalies are like these):
    LostReplica, ServeException, InterruptedWrite, Retries, DeleteError, Redundant, ShortFailure,
    // Only keys normal blocks have too, in an order or a count no normal block has: what a
    // sequence model can see and a key-set rule cannot.
    AckBeforeReceive, // the replicas are acknowledged and recorded before any data arrives
    MissingUpdate,    // one replica is received but never recorded in the block map
    RepeatedReceive,  // the write pipeline restarts: 5-8 "Receiving block" for 3 replicas
    EarlyStop,        // the block ends after its first replica: nothing recorded for the others
};

const char* kindName(Anomaly kind) {
    switch (kind) {
    case Anomaly::None: return "normal";
    case Anomaly::LostReplica: return "lost-replica";
    case Anomaly::ServeException: return "serve-exception";
    case Anomaly::InterruptedWrite: return "interrupted-write";
    case Anomaly::Retries: return "write-retries";
    case Anomaly::DeleteError: return "delete-error";
    case Anomaly::Redundant: return "redundant-update";
    case Anomaly::ShortFailure: return "short-failure";
    case Anomaly::AckBeforeReceive: return "ack-before-receive";
    case Anomaly::MissingUpdate: return "missing-update";
    case Anomaly::RepeatedReceive: return "repeated-receive";
    case Anomaly::EarlyStop: return "early-stop";
    }
    return "?";
}

/// `text` as YAML comment lines of at most ~96 characters.
std::string commentLines(const std::string& text) {
    std::string out, line = "#";
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        const std::string word = text.substr(start, end - start);
        if (line.size() + 1 + word.size() > 96) {
            out += line + "\n";
            line = "#";
        }
        line += " " + word;
        start = end + 1;
    }
    return out + line + "\n";
}

bool keepsToKnownKeys(Anomaly kind) { return kind >= Anomaly::AckBeforeReceive; }

class BlockWriter {
public:
    BlockWriter(Rng& rng, std::priority_queue<PendingLine, std::vector<PendingLine>, std::greater<>>& queue,
                std::uint64_t& seq)
        : rng_(rng), queue_(queue), seq_(seq) {}

    std::string ip() { return "10.250." + std::to_string(rng_.range(1, 19)) + "." + std::to_string(rng_.range(2, 254)); }

    void emit(double t, int pid, const char* level, const char* component, const std::string& content) {
        // 2008-11-09 is day 14192 since 1970, as in the real HDFS log.
        long long secs = (long long)t;
        long long day = secs / 86400, rem = secs % 86400;
        long long z = day + 719468, era = z / 146097, doe = z - era * 146097;
        long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
        char head[64];
        std::snprintf(head, sizeof head, "%02lld%02lld%02lld %02lld%02lld%02lld %d %s ", y % 100, m, d,
                      rem / 3600, rem / 60 % 60, rem % 60, pid, level);
        queue_.push(PendingLine{t, seq_++, std::string(head) + component + ": " + content});
        ++lines;
    }

    void block(const std::string& blk, double t0, Anomaly kind) {
        const std::string file = "/user/root/rand" + std::to_string(rng_.range(1, 9)) + "/_temporary/_task_200811092030_0001_m_" +
                                 pad(rng_.range(0, 1999), 6) + "_0/part-" + pad(rng_.range(0, 1999), 5);
        std::vector<std::string> replicas = {ip(), ip(), ip()};
        const std::string size = std::to_string(rng_.chance(0.8) ? 67108864 : rng_.range(1000, 67108863));
        double t = t0;
        emit(t, rng_.range(19, 40), "INFO", "dfs.FSNamesystem", "BLOCK* NameSystem.allocateBlock: " + file + ". " + blk);

        if (kind == Anomaly::ShortFailure) { // 2-3 keys, like a third of the real HDFS anomalies
            t += rng_.uniform() * 30;
            if (rng_.chance(0.5)) {
                emit(t, rng_.range(19, 40), "WARN", "dfs.PendingReplicationMonitor", "PendingReplicationMonitor timed out block " + blk);
            } else {
                emit(t, rng_.range(2000, 9000), "WARN", "dfs.FSDataset", "Unexpected error trying to delete block " + blk + ". BlockInfo not found in volumeMap.");
            }
            if (rng_.chance(0.5))
                emit(t + 1, rng_.range(19, 40), "INFO", "dfs.FSNamesystem", "BLOCK* NameSystem.delete: " + blk + " is added to invalidSet of " + replicas[0] + ":50010");
            return;
        }

        const int received = kind == Anomaly::LostReplica ? 2 : 3;
        const int attempts = kind == Anomaly::Retries ? rng_.range(5, 9) : kind == Anomaly::RepeatedReceive ? rng_.range(5, 8) : received;
        // Acknowledged before received: the receiving lines come after the acknowledgements.
        const double receiveAt = kind == Anomaly::AckBeforeReceive ? t + 4 : t;
        for (int r = 0; r < attempts; ++r)
            emit(receiveAt + rng_.uniform(), rng_.range(100, 400), "INFO", "dfs.DataNode$DataXceiver",
                 "Receiving block " + blk + " src: /" + replicas[std::size_t(r % 3)] + ":" + std::to_string(rng_.range(30000, 60000)) +
                     " dest: /" + replicas[std::size_t(r % 3)] + ":50010");
        t += 1 + rng_.uniform() * 2;
        if (kind == Anomaly::Retries)
            for (int r = 0; r < attempts - 3; ++r)
                emit(t + rng_.uniform(), rng_.range(100, 400), "INFO", "dfs.DataNode$DataXceiver",
                     "writeBlock " + blk + " received exception java.io.IOException: Could not read from stream");

        if (kind == Anomaly::InterruptedWrite) {
            emit(t, rng_.range(100, 400), "INFO", "dfs.DataNode$DataXceiver", "writeBlock " + blk + " received exception java.io.IOException: Connection reset by peer");
            emit(t + 0.2, rng_.range(100, 400), "INFO", "dfs.DataNode$PacketResponder",
                 "PacketResponder " + blk + " " + std::to_string(rng_.range(0, 2)) +
                     " Exception java.io.InterruptedIOException: Interruped while waiting for IO on channel java.nio.channels.SocketChannel[connected local=/" +
                     replicas[1] + ":" + std::to_string(rng_.range(30000, 60000)) + " remote=/" + replicas[2] + ":50010]. 0 millis timeout left.");
            emit(t + 0.4, rng_.range(100, 400), "INFO", "dfs.DataNode$BlockReceiver", "Exception in receiveBlock for block " + blk + " java.io.EOFException: while trying to read 65557 bytes");
            emit(t + 0.6, rng_.range(100, 400), "INFO", "dfs.DataNode$PacketResponder", "PacketResponder 0 for block " + blk + " Interrupted.");
            t += 2;
        } else {
            const double ackAt = kind == Anomaly::AckBeforeReceive ? t - 1 - rng_.uniform() : t;
            const int acknowledged = kind == Anomaly::EarlyStop ? 1 : received;
            const int unrecorded = kind == Anomaly::MissingUpdate ? rng_.range(0, 2) : -1;
            for (int r = 0; r < acknowledged; ++r) {
                const double tr = ackAt + rng_.uniform() * 2;
                emit(tr, rng_.range(100, 400), "INFO", "dfs.DataNode$PacketResponder",
                     "PacketResponder " + std::to_string(2 - r) + " for block " + blk + " terminating");
                emit(tr + 0.01, rng_.range(100, 400), "INFO", "dfs.DataNode$PacketResponder",
                     "Received block " + blk + " of size " + size + " from /" + replicas[std::size_t(r)]);
                if (r != unrecorded)
                    emit(tr + 0.02, rng_.range(19, 40), "INFO", "dfs.FSNamesystem",
                         "BLOCK* NameSystem.addStoredBlock: blockMap updated: " + replicas[std::size_t(r)] + ":50010 is added to " + blk + " size " + size);
            }
            if (kind == Anomaly::EarlyStop) return;
            t += 3;
        }
        if (kind == Anomaly::Redundant)
            for (int r = rng_.range(1, 3); r > 0; --r)
                emit(t + rng_.uniform() * 5, rng_.range(19, 40), "INFO", "dfs.FSNamesystem",
                     "BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for " + blk + " on " + replicas[0] + ":50010 size " + size);

        // Re-replication: a replica timed out (anomaly) or a node was decommissioned (normal).
        if (kind == Anomaly::LostReplica || (kind == Anomaly::None && rng_.chance(0.03))) {
            double tr = t + 300 + rng_.uniform() * 600;
            const std::string target = ip();
            if (kind == Anomaly::LostReplica)
                emit(tr, rng_.range(19, 40), "WARN", "dfs.PendingReplicationMonitor", "PendingReplicationMonitor timed out block " + blk);
            emit(tr + 1, rng_.range(19, 40), "INFO", "dfs.FSNamesystem", "BLOCK* ask " + replicas[0] + ":50010 to replicate " + blk + " to datanode(s) " + target + ":50010");
            emit(tr + 2, rng_.range(100, 400), "INFO", "dfs.DataNode", replicas[0] + ":50010 Starting thread to transfer block " + blk + " to " + target + ":50010");
            emit(tr + 3, rng_.range(100, 400), "INFO", "dfs.DataNode$DataTransfer", replicas[0] + ":50010:Transmitted block " + blk + " to /" + target + ":50010");
            emit(tr + 3.5, rng_.range(100, 400), "INFO", "dfs.DataNode$DataXceiver", "Received block " + blk + " src: /" + replicas[0] + ":" + std::to_string(rng_.range(30000, 60000)) + " dest: /" + target + ":50010 of size " + size);
            emit(tr + 4, rng_.range(19, 40), "INFO", "dfs.FSNamesystem", "BLOCK* NameSystem.addStoredBlock: blockMap updated: " + target + ":50010 is added to " + blk + " size " + size);
        }

        // Reads.
        const int reads = rng_.chance(0.6) ? rng_.range(1, 4) : 0;
        for (int r = 0; r < reads; ++r) {
            double tr = t + rng_.uniform() * 3600;
            emit(tr, rng_.range(100, 400), "INFO", "dfs.DataNode", replicas[std::size_t(rng_.range(0, 2))] + ":50010 Served block " + blk + " to /" + ip());
        }
        if (kind == Anomaly::ServeException)
            for (int r = rng_.range(1, 3); r > 0; --r)
                emit(t + rng_.uniform() * 3600, rng_.range(100, 400), "WARN", "dfs.DataNode",
                     replicas[std::size_t(rng_.range(0, 2))] + ":50010:Got exception while serving " + blk + " to /" + ip() + ":");
        if (rng_.chance(0.3))
            emit(t + rng_.uniform() * 7200, rng_.range(100, 400), "INFO", "dfs.DataBlockScanner", "Verification succeeded for " + blk);

        // Deletion, for most blocks within the log's span.
        if (kind == Anomaly::InterruptedWrite || kind == Anomaly::DeleteError || rng_.chance(0.7)) {
            double td = t + 600 + rng_.uniform() * 6 * 3600;
            for (int r = 0; r < received; ++r)
                emit(td + r * 0.01, rng_.range(19, 40), "INFO", "dfs.FSNamesystem",
                     "BLOCK* NameSystem.delete: " + blk + " is added to invalidSet of " + replicas[std::size_t(r)] + ":50010");
            for (int r = 0; r < received; ++r) {
                const double tr = td + 2 + rng_.uniform() * 60;
                if (kind == Anomaly::DeleteError && r == 0)
                    emit(tr, rng_.range(2000, 9000), "WARN", "dfs.FSDataset", "Unexpected error trying to delete block " + blk + ". BlockInfo not found in volumeMap.");
                else
                    emit(tr, rng_.range(2000, 9000), "INFO", "dfs.FSDataset",
                         "Deleting block " + blk + " file /mnt/hadoop/dfs/data/current/subdir" + std::to_string(rng_.range(0, 63)) + "/" + blk);
            }
        }
    }

    std::size_t lines = 0;

private:
    static std::string pad(int v, int width) {
        std::string s = std::to_string(v);
        return std::string(std::size_t(std::max(0, width - int(s.size()))), '0') + s;
    }

    Rng& rng_;
    std::priority_queue<PendingLine, std::vector<PendingLine>, std::greater<>>& queue_;
    std::uint64_t& seq_;
};

} // namespace

std::string demoDatasetNote() {
    return "Synthetic demo data (written by logbert demo-data): HDFS-like blocks, 3% of them anomalous. Half of the "
           "anomalies bring a key no normal block has (lost replica, exception while serving, interrupted write, "
           "write retries, failed delete, redundant update, short failed block): every simple rule catches those. "
           "The other half keep to known keys in an order or a count no normal block has (acknowledged before "
           "received, a replica never recorded, a restarted write pipeline, a block that stops after its first "
           "replica): no rule on single keys or key sets can see them, a sequence model can. On real HDFS and BGL data "
           "most anomalies are of the first kind, and the simple rules are hard to beat there.";
}

DemoSummary writeDemoDataset(const std::string& dir, const DemoOptions& options, const JobControl& job) {
    if (options.sessions == 0) throw InputError("demo-data", 0, "need at least one session");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir, 0, "cannot create the directory: " + ec.message());

    DemoSummary summary;
    summary.logPath = (fs::path(dir) / "HDFS_demo.log").string();
    summary.labelPath = (fs::path(dir) / "anomaly_label.csv").string();
    summary.configPath = (fs::path(dir) / "demo.yaml").string();
    summary.kindPath = (fs::path(dir) / "anomaly_kinds.csv").string();

    Rng rng(mix64(options.seed));
    std::priority_queue<PendingLine, std::vector<PendingLine>, std::greater<>> queue;
    std::uint64_t seq = 0;
    BlockWriter writer(rng, queue, seq);
    AtomicFile log(summary.logPath);
    AtomicFile labels(summary.labelPath);
    labels.stream() << "BlockId,Label\n";
    AtomicFile kindsFile(summary.kindPath);
    kindsFile.stream() << "BlockId,Kind,KnownKeysOnly\n";

    const double start = double(daysFromCivil(2008, 11, 9)) * 86400 + 20 * 3600 + 35 * 60 + 18;
    const double span = 10.0 * 3600 * std::max(1.0, double(options.sessions) / 4000.0);
    // Half of the anomalies bring a new key, half keep to known keys.
    const Anomaly kinds[] = {Anomaly::LostReplica,      Anomaly::ServeException, Anomaly::InterruptedWrite, Anomaly::Retries,
                             Anomaly::DeleteError,      Anomaly::Redundant,      Anomaly::ShortFailure,     Anomaly::ShortFailure,
                             Anomaly::AckBeforeReceive, Anomaly::AckBeforeReceive, Anomaly::MissingUpdate,  Anomaly::MissingUpdate,
                             Anomaly::RepeatedReceive,  Anomaly::RepeatedReceive, Anomaly::EarlyStop,       Anomaly::EarlyStop};
    double t = start;
    for (std::size_t i = 0; i < options.sessions; ++i) {
        if ((i & 1023) == 0) {
            job.throwIfCancelled();
            job.report("generating", i, options.sessions);
        }
        t += rng.uniform() * 2 * span / double(options.sessions);
        // Everything earlier than the next block's start can be written now.
        while (!queue.empty() && queue.top().time < t) {
            log.stream() << queue.top().text << '\n';
            queue.pop();
        }
        const auto id = std::int64_t(rng.next());
        const std::string blk = "blk_" + std::to_string(id);
        const bool anomalous = rng.chance(options.anomalyRatio);
        const Anomaly kind = anomalous ? kinds[rng.range(0, int(std::size(kinds)) - 1)] : Anomaly::None;
        writer.block(blk, t, kind);
        labels.stream() << blk << ',' << (anomalous ? "Anomaly" : "Normal") << '\n';
        summary.anomalies += anomalous;
        if (anomalous) {
            kindsFile.stream() << blk << ',' << kindName(kind) << ',' << (keepsToKnownKeys(kind) ? "yes" : "no") << '\n';
            summary.knownKeyAnomalies += keepsToKnownKeys(kind);
        }
    }
    while (!queue.empty()) {
        log.stream() << queue.top().text << '\n';
        queue.pop();
    }
    summary.sessions = options.sessions;
    summary.lines = writer.lines;

    std::string config =
        "# LogBERT Workbench demo dataset: HDFS-like logs written by `logbert demo-data` (seed " +
        std::to_string(options.seed) + ", " + std::to_string(options.sessions) + " blocks).\n" +
        commentLines(demoDatasetNote()) + "# anomaly_kinds.csv names the kind of each anomalous block.\n"
        "preset: test\n"
        "data:\n"
        "  name: hdfs-demo\n"
        "  inputs:\n"
        "    - path: HDFS_demo.log\n"
        "  format: hdfs\n"
        "  labels:\n"
        "    source: file\n"
        "    path: anomaly_label.csv\n"
        "  sample_ratio: 1.0   # the demo is small: use all of it\n";
    log.commit();
    labels.commit();
    kindsFile.commit();
    writeFileAtomically(summary.configPath, config);
    return summary;
}

} // namespace logbert
