// SPDX-License-Identifier: GPL-3.0-or-later
// Sessions by identifier, count windows and time windows; labels; the vocabulary.
#include <QTemporaryDir>
#include <QtTest>

#include <limits>

#include "engine/core/errors.h"
#include "engine/data/labels.h"
#include "engine/data/session_builder.h"
#include "engine/data/vocabulary.h"
#include "test_support.h"

using namespace logbert;

namespace {
LineEvent lineEvent(std::uint32_t line, std::int32_t key, double time = std::nan(""), Label label = Label::Unknown) {
    LineEvent e;
    e.line = line;
    e.key = key;
    e.time = time;
    e.lineLabel = label;
    return e;
}
} // namespace

class TestSessions : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private slots:
    void identifierJoinsEveryNamedBlock() {
        SessionBuilder b(SessionRule::Identifier, R"(blk_-?\d+)", 0, 0);
        b.add(lineEvent(1, 10), "Receiving block blk_1 src", "f");
        b.add(lineEvent(2, 11), "BLOCK* ask to replicate blk_-2 and blk_1 and blk_-2 again", "f");
        b.add(lineEvent(3, 12), "no block here", "f");
        b.add(lineEvent(4, 13), "Deleting blk_-2", "f");
        auto sessions = b.finish();
        QCOMPARE(sessions.size(), std::size_t(2));
        QCOMPARE(sessions[0].id, std::string("blk_1"));
        QCOMPARE(sessions[0].keys, (std::vector<std::int32_t>{10, 11}));
        QCOMPARE(sessions[1].id, std::string("blk_-2"));
        QCOMPARE(sessions[1].keys, (std::vector<std::int32_t>{11, 13})); // named twice on line 2, joined once
        QCOMPARE(sessions[1].lines[1].line, 4u);
        QCOMPARE(b.linesWithoutSession(), std::uint64_t(1));
        QCOMPARE(b.firstLineWithoutSession(), std::uint64_t(3));
    }

    void countWindowsFixedAndSliding() {
        SessionBuilder fixed(SessionRule::CountWindow, "", 3, 0);
        for (std::uint32_t i = 1; i <= 7; ++i) fixed.add(lineEvent(i, std::int32_t(i)), "", "a.log");
        auto s = fixed.finish();
        QCOMPARE(s.size(), std::size_t(3));
        QCOMPARE(s[0].keys, (std::vector<std::int32_t>{1, 2, 3}));
        QCOMPARE(s[2].keys, (std::vector<std::int32_t>{7}));
        QCOMPARE(s[1].id, std::string("a.log:4-6"));

        SessionBuilder sliding(SessionRule::CountWindow, "", 4, 2);
        for (std::uint32_t i = 1; i <= 6; ++i) sliding.add(lineEvent(i, std::int32_t(i)), "", "a.log");
        for (std::uint32_t i = 1; i <= 2; ++i) sliding.add(lineEvent(i, std::int32_t(100 + i)), "", "b.log"); // new file
        s = sliding.finish();
        QCOMPARE(s.size(), std::size_t(4));
        QCOMPARE(s[0].keys, (std::vector<std::int32_t>{1, 2, 3, 4}));
        QCOMPARE(s[1].keys, (std::vector<std::int32_t>{3, 4, 5, 6}));
        QCOMPARE(s[2].keys, (std::vector<std::int32_t>{5, 6}));
        QCOMPARE(s[3].keys, (std::vector<std::int32_t>{101, 102}));
    }

    void timeWindowsSlideAndSkipGaps() {
        SessionBuilder b(SessionRule::TimeWindow, "", 10, 5);
        const double t[] = {0, 3, 7, 12, 100, 101};
        for (std::uint32_t i = 0; i < 6; ++i)
            b.add(lineEvent(i + 1, std::int32_t(i), t[i], i == 3 ? Label::Anomaly : Label::Normal), "", "x.log");
        auto s = b.finish();
        // windows [0,10) [5,15) [10,20) then, after the gap, [95,105) and [100,110)
        QCOMPARE(s.size(), std::size_t(5));
        QCOMPARE(s[0].keys, (std::vector<std::int32_t>{0, 1, 2}));
        QCOMPARE(s[1].keys, (std::vector<std::int32_t>{2, 3}));
        QCOMPARE(s[2].keys, (std::vector<std::int32_t>{3}));
        QCOMPARE(s[3].keys, (std::vector<std::int32_t>{4, 5}));
        QCOMPARE(s[4].keys, (std::vector<std::int32_t>{4, 5}));
        QCOMPARE(s[0].label, Label::Normal);
        QCOMPARE(s[1].label, Label::Anomaly); // any anomalous line makes the window anomalous
        QCOMPARE(s[3].firstTime, 95.0);
        QVERIFY(s[3].id != s[4].id);
    }

    void impossibleTimesArePlacedAtThePreviousTime() {
        // inf or 1e19 in one line ran the window loop forever; now such a line joins the open window.
        for (double bad : {std::numeric_limits<double>::infinity(), 1e19, -1e19}) {
            SessionBuilder b(SessionRule::TimeWindow, "", 10, 5);
            b.add(lineEvent(1, 1, 50), "", "x");
            b.add(lineEvent(2, 2, bad), "", "x");
            b.add(lineEvent(3, 3, 52), "", "x");
            auto s = b.finish();
            QCOMPARE(b.impossibleTimes(), std::uint64_t(1));
            QCOMPARE(s.size(), std::size_t(1)); // [50,60)
            QCOMPARE(s[0].keys, (std::vector<std::int32_t>{1, 2, 3}));
        }
    }

    void outOfOrderTimesAreClampedAndCounted() {
        SessionBuilder b(SessionRule::TimeWindow, "", 10, 10);
        b.add(lineEvent(1, 1, 50), "", "x");
        b.add(lineEvent(2, 2, 40), "", "x"); // earlier than the line before
        b.add(lineEvent(3, 3, 55), "", "x");
        auto s = b.finish();
        QCOMPARE(s.size(), std::size_t(1));
        QCOMPARE(s[0].keys.size(), std::size_t(3));
        QCOMPARE(b.outOfOrderTimes(), std::uint64_t(1));
    }

    void labelFile() {
        std::vector<Session> sessions(3);
        sessions[0].id = "blk_1";
        sessions[1].id = "blk_2";
        sessions[2].id = "blk_3";
        auto path = testsupport::writeFile(dir.path(), "anomaly_label.csv",
                                           "BlockId,Label\nblk_1,Normal\nblk_2,Anomaly\nblk_9,Normal\n");
        auto report = applyLabelFile(path, sessions);
        QCOMPARE(sessions[0].label, Label::Normal);
        QCOMPARE(sessions[1].label, Label::Anomaly);
        QCOMPARE(sessions[2].label, Label::Unknown);
        QCOMPARE(report.unlabelled, std::uint64_t(1));
        QCOMPARE(report.unknownIds, std::uint64_t(1));
        QCOMPARE(report.unknownExamples.front(), std::string("blk_9"));

        auto bad = testsupport::writeFile(dir.path(), "bad_label.csv", "BlockId,Label\nblk_1,Normal\nblk_2,maybe\n");
        const QString message = testsupport::inputErrorOf([&] { applyLabelFile(bad, sessions); });
        QVERIFY2(message.endsWith("bad_label.csv:3: expected Label Normal or Anomaly, found 'maybe'"), qPrintable(message));
        auto noLabel = testsupport::writeFile(dir.path(), "cols.csv", "BlockId,Status\nblk_1,Normal\n");
        QVERIFY_THROWS_EXCEPTION(InputError, applyLabelFile(noLabel, sessions));
        QCOMPARE(parseLabel("-", true), Label::Normal);
        QCOMPARE(parseLabel("KERNDTLB", true), Label::Anomaly);
    }

    void vocabularyOrdersByFrequency() {
        Session a, b;
        a.keys = {5, 5, 9, 7};
        b.keys = {9, 5, 3};
        auto v = Vocabulary::build({&a, &b});
        QCOMPARE(v.size(), std::size_t(9)); // 5 specials + keys 5, 9, 3, 7
        QCOMPARE(v.tokenOf(5), Vocabulary::kFirstKey);
        QCOMPARE(v.tokenOf(9), Vocabulary::kFirstKey + 1);
        QCOMPARE(v.tokenOf(3), Vocabulary::kFirstKey + 2); // ties by key
        QCOMPARE(v.tokenOf(42), Vocabulary::kUnk);
        QCOMPARE(v.keyOf(Vocabulary::kFirstKey + 3), 7);
        std::stringstream s;
        v.save(s);
        auto loaded = Vocabulary::load(s, "vocab");
        QCOMPARE(loaded.keys(), v.keys());
        QCOMPARE(loaded.frequency(Vocabulary::kFirstKey), std::uint64_t(3));
    }
};

QTEST_GUILESS_MAIN(TestSessions)
#include "test_sessions.moc"
