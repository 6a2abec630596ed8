// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/detection/evaluation_cache.h"

#include <filesystem>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "engine/core/errors.h"
#include "engine/core/hashing.h"
#include "engine/io/atomic_file.h"
#include "engine/io/state_file.h"
#include "engine/training/run_folder.h"

namespace logbert {
namespace fs = std::filesystem;
namespace {

constexpr char kMagic[8] = {'L', 'B', 'E', 'V', 'A', 'L', '0', '1'};
constexpr std::uint64_t kChecksumSeed = 0x65766131; // "eva1"

// Plain little-endian bytes: the cache is only ever read by the machine that wrote it.
class Writer {
public:
    template <typename T> void put(T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
    void put(const std::string& text) {
        put(std::uint64_t(text.size()));
        bytes_ += text;
    }
    void put(const Confusion& c) { put(c.tp), put(c.fp), put(c.fn), put(c.tn); }
    std::string& bytes() { return bytes_; }

private:
    std::string bytes_;
};

/// Reads what Writer wrote; any read past the end, or a count that cannot fit in the bytes
/// left, throws (the caller turns it into "damaged").
class Reader {
public:
    explicit Reader(std::string_view bytes) : rest_(bytes) {}
    template <typename T> T get() {
        static_assert(std::is_trivially_copyable_v<T>);
        T value;
        need(sizeof value);
        std::memcpy(&value, rest_.data(), sizeof value);
        rest_.remove_prefix(sizeof value);
        return value;
    }
    std::string text() {
        const auto n = count(1);
        std::string s(rest_.substr(0, n));
        rest_.remove_prefix(n);
        return s;
    }
    Confusion confusion() {
        Confusion c;
        c.tp = get<std::uint64_t>(), c.fp = get<std::uint64_t>(), c.fn = get<std::uint64_t>(), c.tn = get<std::uint64_t>();
        return c;
    }
    /// A count of items each at least `itemBytes` long.
    std::size_t count(std::size_t itemBytes) {
        const auto n = get<std::uint64_t>();
        if (n > rest_.size() / itemBytes) throw std::runtime_error("count past the end");
        return std::size_t(n);
    }
    bool atEnd() const { return rest_.empty(); }

private:
    void need(std::size_t n) const {
        if (rest_.size() < n) throw std::runtime_error("truncated");
    }
    std::string_view rest_;
};

// One read of the known size: istreambuf_iterator went a byte at a time (~60 MB/s here).
std::string readWholeFile(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > kMaxEvaluationBytes) return {}; // never a FIFO
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return {};
    std::string bytes(std::size_t(in.tellg()), '\0');
    in.seekg(0);
    if (!in.read(bytes.data(), std::streamsize(bytes.size()))) return {};
    return bytes;
}

// Reads in 1 MiB pieces: a full-size model.pt is ~440 MB and need not be in memory to be hashed.
// Empty when the file cannot be read or is empty.
std::optional<std::uint64_t> hashFile(const std::string& path, std::uint64_t seed) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt; // a FIFO would block the hash forever
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    StableHasher h(seed);
    std::vector<char> buffer(std::size_t(1) << 20);
    std::uint64_t total = 0;
    while (in) {
        in.read(buffer.data(), std::streamsize(buffer.size()));
        h.add(std::string_view(buffer.data(), std::size_t(in.gcount())));
        total += std::uint64_t(in.gcount());
    }
    if (in.bad() || total == 0) return std::nullopt;
    return h.value();
}

void putScore(Writer& w, const SessionScore& s) {
    w.put(s.keys), w.put(s.masked), w.put(s.distance), w.put(s.endRank);
    w.put(std::uint64_t(s.missed.size()));
    for (const auto& m : s.missed) {
        w.put(m.position), w.put(m.key), w.put(m.rank), w.put(m.probability);
        w.put(std::uint64_t(m.predictions.size()));
        for (auto p : m.predictions) w.put(p);
    }
}

SessionScore getScore(Reader& r) {
    SessionScore s;
    s.keys = r.get<std::uint32_t>(), s.masked = r.get<std::uint32_t>();
    s.distance = r.get<double>(), s.endRank = r.get<std::int32_t>();
    s.missed.resize(r.count(20));
    for (auto& m : s.missed) {
        m.position = r.get<std::uint32_t>(), m.key = r.get<std::int32_t>(), m.rank = r.get<std::uint32_t>();
        m.probability = r.get<float>();
        m.predictions.resize(r.count(sizeof(std::int32_t)));
        for (auto& p : m.predictions) p = r.get<std::int32_t>();
    }
    return s;
}

void putSweep(Writer& w, const std::vector<SweepPoint>& sweep) {
    w.put(std::uint64_t(sweep.size()));
    for (const auto& p : sweep) w.put(p.threshold), w.put(p.test), w.put(p.validationFpr);
}

std::vector<SweepPoint> getSweep(Reader& r) {
    std::vector<SweepPoint> sweep(r.count(48));
    for (auto& p : sweep) p.threshold = r.get<double>(), p.test = r.confusion(), p.validationFpr = r.get<double>();
    return sweep;
}

} // namespace

std::uint64_t evaluationFingerprint(const std::string& runDir, const Dataset& dataset) {
    const std::string modelPath = runFilePath(runDir, run_files::kModel);
    const auto model = hashFile(modelPath, 1);
    if (!model) throw InputError(modelPath, 0, "cannot read the trained model");
    std::uint64_t h = *model;
    h = mix64(h ^ hashFile(runFilePath(runDir, run_files::kConfig), 2).value_or(stableHash({}, 2)));
    h = mix64(h ^ dataset.sessions.size());
    for (std::size_t i = 0; i < dataset.sessions.size(); ++i) {
        const Session& s = dataset.sessions[i];
        h = mix64(h ^ stableHash(s.id, s.keys.size()) ^ (std::uint64_t(dataset.splits[i]) << 8 | std::uint64_t(s.label)));
    }
    return h;
}

void saveEvaluationCache(const std::string& runDir, const EvaluationResult& r, std::uint64_t fingerprint) {
    Writer w;
    w.put(fingerprint);
    const Thresholds& t = r.thresholds;
    w.put(t.topG), w.put(t.missRatio), w.put(t.endG), w.put(t.distance), w.put(t.method);
    w.put(r.maskPasses);
    w.put(std::uint64_t(r.validationNormal)), w.put(std::uint64_t(r.validationAnomaly));
    w.put(std::uint64_t(r.testNormal)), w.put(std::uint64_t(r.testAnomaly));
    w.put(std::uint64_t(r.detectors.size()));
    for (const auto& d : r.detectors) w.put(d.key), w.put(d.name), w.put(d.description), w.put(d.test);
    putSweep(w, r.missSweep);
    putSweep(w, r.distanceSweep);
    w.put(std::uint64_t(r.sessions.size()));
    for (const auto& s : r.sessions) {
        w.put(s.index), w.put(std::uint8_t(s.split)), w.put(std::uint8_t(s.label));
        w.put(std::uint8_t(s.flagged)), w.put(std::uint8_t(s.unseenKey)), w.put(std::uint8_t(s.unseenKeySet));
        w.put(s.nextKeyMisses);
        putScore(w, s.score);
    }
    w.put(r.verdict);
    w.put(r.scoringSeconds);
    w.put(std::uint64_t(r.sessionsScored));

    std::string& payload = w.bytes();
    const std::uint64_t checksum = stableHash(payload, kChecksumSeed);
    AtomicFile file(runFilePath(runDir, run_files::kEvaluationCache));
    file.stream().write(kMagic, sizeof kMagic);
    file.stream().write(reinterpret_cast<const char*>(&checksum), sizeof checksum);
    file.stream().write(payload.data(), std::streamsize(payload.size()));
    file.commit();
}

std::optional<EvaluationResult> loadEvaluationCache(const std::string& runDir, std::uint64_t fingerprint,
                                                    const Dataset& dataset, std::string* why) {
    auto fail = [why](const char* reason) -> std::optional<EvaluationResult> {
        if (why) *why = reason;
        return std::nullopt;
    };
    const std::string bytes = readWholeFile(runFilePath(runDir, run_files::kEvaluationCache));
    if (bytes.empty()) return fail("not evaluated yet");
    if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return fail("saved evaluation is damaged");
    std::uint64_t checksum;
    std::memcpy(&checksum, bytes.data() + sizeof kMagic, sizeof checksum);
    const std::string_view payload = std::string_view(bytes).substr(sizeof kMagic + 8);
    if (stableHash(payload, kChecksumSeed) != checksum) return fail("saved evaluation is damaged");
    try {
        Reader r(payload);
        if (r.get<std::uint64_t>() != fingerprint) return fail("model, config or data changed since the evaluation");
        EvaluationResult e;
        Thresholds& t = e.thresholds;
        t.topG = r.get<int>(), t.missRatio = r.get<double>(), t.endG = r.get<int>(), t.distance = r.get<double>();
        t.method = r.text();
        e.maskPasses = r.get<int>();
        e.validationNormal = r.get<std::uint64_t>(), e.validationAnomaly = r.get<std::uint64_t>();
        e.testNormal = r.get<std::uint64_t>(), e.testAnomaly = r.get<std::uint64_t>();
        e.detectors.resize(r.count(56));
        for (auto& d : e.detectors) d.key = r.text(), d.name = r.text(), d.description = r.text(), d.test = r.confusion();
        e.missSweep = getSweep(r);
        e.distanceSweep = getSweep(r);
        e.sessions.resize(r.count(28));
        for (auto& s : e.sessions) {
            s.index = r.get<std::uint32_t>();
            const auto split = r.get<std::uint8_t>(), label = r.get<std::uint8_t>();
            if (split > std::uint8_t(Split::Test) || label > std::uint8_t(Label::Unknown))
                return fail("saved evaluation is damaged");
            s.split = Split(split), s.label = Label(label);
            s.flagged = r.get<std::uint8_t>() != 0, s.unseenKey = r.get<std::uint8_t>() != 0;
            s.unseenKeySet = r.get<std::uint8_t>() != 0;
            s.nextKeyMisses = r.get<std::uint32_t>();
            s.score = getScore(r);
            if (s.index >= dataset.sessions.size()) return fail("saved evaluation does not fit the data");
        }
        e.verdict = r.text();
        e.scoringSeconds = r.get<double>();
        e.sessionsScored = r.get<std::uint64_t>();
        if (!r.atEnd()) return fail("saved evaluation is damaged");
        return e;
    } catch (const std::exception&) {
        return fail("saved evaluation is damaged");
    }
}

} // namespace logbert
