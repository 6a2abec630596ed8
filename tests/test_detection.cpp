// SPDX-License-Identifier: GPL-3.0-or-later
// Detection pieces that need no model: metrics, threshold choice, baselines, batching.
#include <QtTest>
#include <cmath>
#include <random>

#include "engine/data/vocabulary.h"
#include "engine/detection/baselines.h"
#include "engine/detection/confusion.h"
#include "engine/detection/detector_reports.h"
#include "engine/detection/thresholds.h"
#include "engine/io/json_writer.h"
#include "engine/model/model_batch.h"

using namespace logbert;

namespace {
SessionScore scoreOf(double distance, std::uint32_t masked = 10, std::uint32_t misses = 0) {
    SessionScore s;
    s.keys = masked;
    s.masked = masked;
    for (std::uint32_t i = 0; i < misses; ++i) s.missed.push_back(MissedKey{i, 4, 1000, {}});
    s.distance = distance;
    return s;
}

/// Normal validation distances: a log-normal bulk, as trained models give.
std::vector<SessionScore> normals(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::lognormal_distribution<double> d(std::log(0.005), 0.25);
    std::vector<SessionScore> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(scoreOf(d(rng)));
    return out;
}

const DistanceRule kRule{1e-5, 4};

Session session(std::vector<std::int32_t> keys) {
    Session s;
    s.keys = std::move(keys);
    return s;
}
} // namespace

class TestDetection : public QObject {
    Q_OBJECT
private slots:
    // The verdict says "ties" on equal F1, gives the numbers behind a loss and what it means, and
    // counts the anomalies only LogBERT finds; rows are unions of their parts.
    void verdictTiesBeatsAndLosesInPlainWords() {
        // Four test anomalies and four normals; LogBERT flags by distance > 0.5.
        auto session = [](bool anomaly, double distance, bool unseenKey, bool unseenSet, std::uint32_t nextMisses) {
            ScoredSession s;
            s.split = Split::Test;
            s.label = anomaly ? Label::Anomaly : Label::Normal;
            s.score.distance = distance;
            s.unseenKey = unseenKey, s.unseenKeySet = unseenSet, s.nextKeyMisses = nextMisses;
            return s;
        };
        Thresholds t;
        t.topG = 9, t.missRatio = 0, t.endG = 0, t.distance = 0.5;
        std::vector<ScoredSession> tie = {session(true, 1, true, false, 0), session(true, 1, true, false, 0),
                                          session(true, 1, true, true, 0), session(true, 1, true, false, 0),
                                          session(false, 0, false, false, 0), session(false, 0, false, false, 0),
                                          session(false, 0, false, false, 0), session(false, 0, false, false, 0)};
        const std::string v = verdictText(tie, t);
        QVERIFY2(v.find("LogBERT finds 4 of 4 test anomalies with 0 false alarms in 4 normal sessions (F1 1.0000).") == 0, v.c_str());
        QVERIFY2(v.find("beats Unseen key set (F1 0.4000) and Next key (n-gram) (F1 0.0000)") != std::string::npos, v.c_str());
        QVERIFY2(v.find("ties with Unseen key (F1 1.0000)") != std::string::npos, v.c_str());
        QVERIFY2(v.find("does better") == std::string::npos, v.c_str());

        std::vector<ScoredSession> loss = tie;
        loss[3].score.distance = 0; // LogBERT misses one anomaly
        loss[4].score.distance = 1; // and flags a normal
        loss[1].unseenKey = false, loss[1].nextKeyMisses = 2; // found by the n-gram rule instead
        loss[0].unseenKey = false;                          // found by LogBERT alone
        const std::string l = verdictText(loss, t);
        QVERIFY2(l.find("LogBERT finds 3 of 4 test anomalies with 1 false alarm in 4 normal sessions (F1 0.7500); 1 of its finds no simple rule makes.") == 0, l.c_str());
        QVERIFY2(l.find("loses to Unseen key (F1 0.6667") == std::string::npos, l.c_str()); // 2 of 4: it loses to none by F1 0.6667 < 0.75
        loss[0].unseenKey = true;
        const std::string l2 = verdictText(loss, t);
        QVERIFY2(l2.find("loses to Unseen key (F1 0.8571, 3 finds, 0 false alarms)") != std::string::npos, l2.c_str());
        QVERIFY2(l2.find("A simple rule does better on this data: its anomalies bring log keys that no normal training session has.") != std::string::npos, l2.c_str());
        QVERIFY2(l2.find("no simple rule makes") == std::string::npos, l2.c_str());

        const auto rows = detectorReports(loss, t);
        QCOMPARE(rows.size(), std::size_t(7));
        QCOMPARE(rows[0].test.tp, std::uint64_t(3)); // LogBERT
        QCOMPARE(rows[6].test.tp, std::uint64_t(3)); // LogBERT or unseen key set: anomaly 3 has no unseen set
        loss[3].unseenKeySet = true;
        QCOMPARE(detectorReports(loss, t)[6].test.tp, std::uint64_t(4));
    }

    void confusionFigures() {
        Confusion c;
        for (int i = 0; i < 90; ++i) c.add(true, true);
        for (int i = 0; i < 10; ++i) c.add(true, false);
        for (int i = 0; i < 5; ++i) c.add(false, true);
        for (int i = 0; i < 895; ++i) c.add(false, false);
        QCOMPARE(c.tp, std::uint64_t(90));
        QCOMPARE(c.precision(), 90.0 / 95);
        QCOMPARE(c.recall(), 0.9);
        QCOMPARE(c.fpr(), 5.0 / 900);
        QCOMPARE(c.specificity(), 895.0 / 900);
        QCOMPARE(c.accuracy(), 985.0 / 1000);
        QVERIFY(std::fabs(c.f1() - 2 * 90.0 / (2 * 90 + 5 + 10)) < 1e-12);
        // Projected to 9,000 normals at the same FPR: 50 false positives.
        QVERIFY(std::fabs(c.projectedF1(9000) - 180.0 / (180 + 50 + 10)) < 1e-12);
        QCOMPARE(Confusion{}.f1(), 0.0); // no division by zero
    }

    void normalQuantileIsAccurate() {
        QVERIFY(std::fabs(normalQuantile(0.975) - 1.959964) < 1e-6);
        QVERIFY(std::fabs(normalQuantile(0.5)) < 1e-9);
        QVERIFY(std::fabs(normalQuantile(1e-5) + 4.264891) < 1e-5);
    }

    void distanceThresholdIgnoresAFewExtremeValidationSessions() {
        auto base = normals(486, 1);
        const Thresholds clean = chooseThresholds(base, {}, 9, 0.001, kRule);
        double largest = 0;
        for (const auto& s : base) largest = std::max(largest, s.distance);
        QVERIFY(clean.distance > 2 * largest); // beyond every validation normal, with a margin...
        QVERIFY(clean.distance < 20 * largest); // ...but not absurdly far
        // Two odd normal sessions far out (as the HDFS training file holds) barely move it,
        // where "the largest validation distance" would jump 100-fold.
        auto odd = base;
        for (int i = 0; i < 2; ++i) odd.push_back(scoreOf(0.5));
        const Thresholds robust = chooseThresholds(odd, {}, 9, 0.001, kRule);
        QVERIFY2(robust.distance < 1.3 * clean.distance,
                 qPrintable(QString("%1 vs %2").arg(robust.distance).arg(clean.distance)));
        // Other samples of the same distribution give similar thresholds.
        for (std::uint64_t seed = 2; seed < 6; ++seed) {
            const double t = chooseThresholds(normals(486, seed), {}, 9, 0.001, kRule).distance;
            QVERIFY(t > 0.6 * clean.distance && t < 1.6 * clean.distance);
        }
    }

    void missRatioKeepsTheValidationFalsePositiveRate() {
        auto v = normals(1000, 3);
        const Thresholds none = chooseThresholds(v, {}, 9, 0.001, kRule);
        QCOMPARE(none.missRatio, 0.0); // no misses: any miss outside the top-9 flags
        QCOMPARE(none.topG, 9);
        // 1,000 sessions at a true rate of 0.001 flag up to 3 in 95% of samples.
        QCOMPARE(binomialQuantile(1000, 0.001, 0.95), std::size_t(3));
        for (std::size_t i = 0; i < 3; ++i) v[i] = scoreOf(v[i].distance, 10, 1); // ratio 0.1
        QCOMPARE(chooseThresholds(v, {}, 9, 0.001, kRule).missRatio, 0.0); // three odd ones are allowed
        v[3] = scoreOf(v[3].distance, 10, 3); // 0.3
        const Thresholds t = chooseThresholds(v, {}, 9, 0.001, kRule);
        // Any miss would flag 4 > 3; above 0.1 flags one.
        QCOMPARE(t.missRatio, 0.1);
        QVERIFY(t.byMisses(scoreOf(0.001, 10, 2)));
        QVERIFY(!t.byMisses(scoreOf(0.001, 10, 1)));
    }

    void endOfSessionGetsItsOwnG() {
        auto v = normals(1000, 5);
        // Normal sessions end where the model expects: [END] first (rank 0), in ten at rank 2.
        for (auto& s : v) s.endRank = 0;
        for (int i = 0; i < 10; ++i) v[std::size_t(i)].endRank = 2;
        const Thresholds t = chooseThresholds(v, {}, 9, 0.001, kRule);
        QCOMPARE(t.endG, 4); // rank >= 1 or 2 would flag ten normals, >= 3 none; then one of margin
        SessionScore early = scoreOf(0.001, 3, 0);
        early.endRank = 5; // a 2-key session whose [END] came 6th: it stopped too early
        QVERIFY(t.flags(early));
        QVERIFY(!t.byKeyMisses(early));
        early.endRank = 3;
        QVERIFY(!t.flags(early));
    }

    void labelledValidationMaximizesF1() {
        auto v = normals(200, 4);
        std::vector<SessionScore> anomalies;
        for (int i = 0; i < 20; ++i) anomalies.push_back(scoreOf(0.05 + 0.001 * i));
        for (int i = 0; i < 20; ++i) anomalies.push_back(scoreOf(0.004, 10, 4));
        const Thresholds t = chooseThresholds(v, anomalies, 9, 0.001, kRule);
        Confusion c;
        for (const auto& s : v) c.add(false, t.flags(s));
        for (const auto& s : anomalies) c.add(true, t.flags(s));
        QCOMPARE(c.f1(), 1.0);
        QVERIFY(t.method.find("labelled") != std::string::npos);
    }

    void baselines() {
        const std::vector<Session> train{session({1, 2, 3, 4}), session({1, 2, 2, 3, 4}), session({5, 6})};
        std::vector<const Session*> ptrs;
        for (const auto& s : train) ptrs.push_back(&s);
        BaselineDetectors b(ptrs, 2, 3);
        QVERIFY(b.unseenKey(session({1, 7})));
        QVERIFY(!b.unseenKey(session({6, 5, 1})));
        QVERIFY(!b.unseenKeySet(session({4, 3, 2, 1, 1}))); // same set {1,2,3,4}
        QVERIFY(b.unseenKeySet(session({1, 2})));           // a subset is another set
        QCOMPARE(b.nextKeyMisses(session({1, 2, 3, 4})), std::size_t(0));
        QCOMPARE(b.nextKeyMisses(session({1, 3, 2, 4})), std::size_t(2)); // 3 after 1, 4 after 2
    }

    void detectionMasksEveryKeyOnce() {
        std::vector<TokenSequence> seqs(2);
        seqs[0].tokens = {4, 5, 6, 7, 8};
        seqs[1].tokens = {9};
        const ModelBatch b = detectionBatch(seqs, {{0, 0}, {0, 1}, {1, 0}}, 2);
        QCOMPARE(b.rows, std::int64_t(3));
        QCOMPARE(b.length, std::int64_t(6)); // [DIST] + 5
        QCOMPARE(b.maskedIndex.size(), std::size_t(3 + 2 + 1));
        QCOMPARE(b.tokens[0], std::int64_t(Vocabulary::kDist));
        QCOMPARE(b.tokens[1], std::int64_t(Vocabulary::kMask)); // position 0 in pass 0
        QCOMPARE(b.tokens[2], std::int64_t(5));
        QCOMPARE(b.tokens[6 + 2], std::int64_t(Vocabulary::kMask)); // position 1 in pass 1
        QCOMPARE(b.padding[2 * 6 + 2], std::uint8_t(1));           // short row padded
    }

    void trainingMasksAreSeededAndBertLike() {
        std::vector<TokenSequence> seqs(200);
        for (auto& s : seqs)
            for (int k = 0; k < 20; ++k) s.tokens.push_back(4 + k % 10);
        std::vector<std::uint32_t> rows(200);
        for (std::uint32_t i = 0; i < 200; ++i) rows[i] = i;
        const ModelBatch a = trainingBatch(seqs, rows, 0.5, 14, 99), b = trainingBatch(seqs, rows, 0.5, 14, 99);
        QCOMPARE(a.tokens, b.tokens);
        QCOMPARE(a.maskedIndex, b.maskedIndex);
        const double share = double(a.maskedIndex.size()) / (200 * 20);
        QVERIFY(share > 0.45 && share < 0.55);
        std::size_t masks = 0;
        for (auto i : a.maskedIndex) masks += a.tokens[std::size_t(i)] == Vocabulary::kMask;
        const double maskShare = double(masks) / double(a.maskedIndex.size());
        QVERIFY(maskShare > 0.77 && maskShare < 0.83); // 80% [MASK], the rest random or kept
        // One-key sessions still get a masked key.
        std::vector<TokenSequence> one(1);
        one[0].tokens = {5};
        QCOMPARE(trainingBatch(one, {0}, 0.01, 14, 1).maskedIndex.size(), std::size_t(1));
    }

    void lengthBatchesGroupSimilarLengths() {
        std::vector<TokenSequence> seqs(640);
        for (std::size_t i = 0; i < seqs.size(); ++i) seqs[i].tokens.assign(1 + (i * 37) % 200, 4);
        const auto batches = lengthBatches(seqs, 32, 5);
        QCOMPARE(batches.size(), std::size_t(20));
        std::size_t padded = 0, real = 0;
        for (const auto& b : batches) {
            std::size_t longest = 0;
            for (auto i : b) longest = std::max(longest, seqs[i].tokens.size());
            for (auto i : b) {
                padded += longest;
                real += seqs[i].tokens.size();
            }
        }
        QVERIFY(double(padded) / double(real) < 1.1); // < 10% padding
        QCOMPARE(lengthBatches(seqs, 32, 5), batches); // seeded
        QVERIFY(lengthBatches(seqs, 32, 6) != batches);
    }

    void tokenizeSplitsLongSessions() {
        Session s = session(std::vector<std::int32_t>(25, 7));
        Vocabulary v = Vocabulary::build({&s});
        const auto seqs = tokenize({&s}, v, 10, false);
        QCOMPARE(seqs.size(), std::size_t(3));
        QCOMPARE(seqs[2].offset, std::uint32_t(20));
        QCOMPARE(seqs[2].tokens.size(), std::size_t(5));
        // With [END]: 26 tokens, the last one ends the last piece.
        const auto ended = tokenize({&s}, v, 10, true);
        QCOMPARE(ended.size(), std::size_t(3));
        QCOMPARE(ended[2].tokens.size(), std::size_t(6));
        QCOMPARE(ended[2].tokens.back(), Vocabulary::kEnd);
        QCOMPARE(v.keyOf(Vocabulary::kEnd), Vocabulary::kEndKey);
    }

    void jsonWriter() {
        JsonWriter j(false);
        j.beginObject().field("a", 1).field("s", "x\"y\n").key("l").beginArray().value(0.5).value(std::nan("")).endArray();
        j.key("e").beginObject().endObject().endObject();
        QCOMPARE(QString::fromStdString(j.str()), QString("{\"a\":1,\"s\":\"x\\\"y\\n\",\"l\":[0.5,null],\"e\":{}}"));
    }
};

QTEST_GUILESS_MAIN(TestDetection)
#include "test_detection.moc"
