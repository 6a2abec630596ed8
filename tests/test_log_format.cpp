// SPDX-License-Identifier: GPL-3.0-or-later
// Format strings: field splitting, regex syntax around fields, the fast matcher against RE2.
#include <QtTest>

#include "engine/core/errors.h"
#include "engine/core/hashing.h"
#include "engine/parsing/log_format.h"
#include "engine/parsing/masker.h"
#include "engine/parsing/timestamp.h"
#include "test_support.h"

using namespace logbert;

class TestLogFormat : public QObject {
    Q_OBJECT

    static QStringList split(const LogFormat& f, const std::string& line) {
        std::vector<std::string_view> fields;
        if (!f.match(line, fields)) return {"<no match>"};
        QStringList out;
        for (auto v : fields) out << QString::fromStdString(std::string(v));
        return out;
    }

private slots:
    void splitsFields_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("line");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("hdfs") << "hdfs"
            << "081109 203518 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106"
            << QStringList{"081109", "203518", "143", "INFO", "dfs.DataNode$DataXceiver",
                           "Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106"};
        QTest::newRow("runs of spaces are \\s+") << "<A> <B> <Content>" << "x \t  y   z w"
            << QStringList{"x", "y", "z w"};
        QTest::newRow("escaped brackets") << R"(<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>)"
            << "Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com"
            << QStringList{"Dec", "10", "06:55:46", "LabSZ", "24200", "reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com"};
        QTest::newRow("zookeeper double space") << R"(<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>)"
            << "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200"
            << QStringList{"2015-07-29", "17:41:44,747", "INFO", "QuorumPeer[myid=1]/0", "0:0:0:0:0:0:0:2181:FastLeaderElection", "774", "Notification time out: 3200"}; // lazy, as in loghub
        QTest::newRow("pipe") << R"(<Time>\|<Component>\|<Pid>\|<Content>)" << "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579"
            << QStringList{"20171223-22:15:29:606", "Step_LSC", "30002312", "onStandStepChanged 3579"};
        QTest::newRow("optional group, present") << R"(<Label> <Component>(\[<PID>\])?: <Content>)" << "- sshd[123]: Accepted"
            << QStringList{"-", "sshd", "123", "Accepted"};
        QTest::newRow("optional group, absent") << R"(<Label> <Component>(\[<PID>\])?: <Content>)" << "- kernel: panic"
            << QStringList{"-", "kernel", "", "panic"};
        QTest::newRow("thunderbird") << "thunderbird"
            << "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root"
            << QStringList{"-", "1131566461", "2005.11.09", "dn228", "Nov", "9", "12:01:01", "dn228/dn228", "crond(pam_unix)", "2915", "session closed for user root"};
        QTest::newRow("backtracking over an earlier separator") << "<A>: <Content>" << "a: b: c"
            << QStringList{"a", "b: c"};
        QTest::newRow("no match") << "hdfs" << "not a log line" << QStringList{"<no match>"};
        QTest::newRow("empty content") << "<A> <Content>" << "x " << QStringList{"x", ""};
        // Found by fuzz_log_format: a vertical tab is whitespace (Python's \s), for RE2 too.
        QTest::newRow("vertical tab") << "<A> <B>: <Content>" << "x\vy\vz: w" << QStringList{"x", "y\vz", "w"};
    }
    void splitsFields() {
        QFETCH(QString, format);
        QFETCH(QString, line);
        QFETCH(QStringList, fields);
        auto f = LogFormat::compile(format.toStdString());
        QCOMPARE(split(f, line.toStdString()), fields);
    }

    void fastMatcherAgreesWithRegex() {
        // Random lines from a small alphabet, matched by both engines: same answer, same fields.
        const std::vector<std::string> formats = {
            "hdfs", "<A> <B>: <Content>", R"(\[<Time>\] <Program> - <Content>)", "<A>  <B> - <Content>",
            "<A>:<B> <Content>", R"(<A> \[<B>\] <Content>)"};
        const char alphabet[] = "ab :-[]\t";
        std::uint64_t state = 1;
        int compared = 0, matched = 0;
        for (const auto& spec : formats) {
            auto f = LogFormat::compile(spec);
            QVERIFY(f.usesFastMatcher());
            for (int i = 0; i < 4000; ++i) {
                std::string line;
                state = mix64(state);
                const int len = int(state % 24);
                for (int k = 0; k < len; ++k) {
                    state = mix64(state);
                    line += alphabet[state % (sizeof alphabet - 1)];
                }
                std::vector<std::string_view> fast, reference;
                bool a = f.match(line, fast), b = f.matchWithRegex(line, reference);
                QVERIFY2(a == b, (spec + " | " + line).c_str());
                if (a) {
                    ++matched;
                    for (std::size_t k = 0; k < fast.size(); ++k)
                        QVERIFY2(fast[k] == reference[k], (spec + " | " + line + " | field " + std::to_string(k)).c_str());
                }
                ++compared;
            }
        }
        QVERIFY(matched > 1000); // the test exercises real matches, not only rejections
        qInfo("compared %d lines, %d matched", compared, matched);
    }

    void badFormats_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no fields") << "just text" << "no <Field> placeholder";
        QTest::newRow("no content") << "<Date> <Time>" << "no <Content> field";
        QTest::newRow("bad regex") << "<Date> (<Content>" << "not a valid regular expression";
        QTest::newRow("duplicate") << "<A> <A> <Content>" << "appears twice";
        // Found by fuzz_log_format: an unescaped '[' turned the field into a character class.
        QTest::newRow("unescaped bracket") << "<Month>  <Day> <Component>[<PID>]: <Content>"
                                           << "the text around <PID> is read as a regular expression";
    }
    void badFormats() {
        QFETCH(QString, format);
        QFETCH(QString, expected);
        const QString message = testsupport::inputErrorOf([&] { LogFormat::compile(format.toStdString()); });
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void masks() {
        Masker m({R"(blk_-?\d+)", R"((\d+\.){3}\d+(:\d+)?)"});
        std::string scratch;
        QCOMPARE(std::string(m.apply("Receiving block blk_-160 src: /10.250.19.102:54106 dest: /10.0.0.1:50010", scratch)),
                 std::string("Receiving block <*> src: /<*> dest: /<*>"));
        QCOMPARE(std::string(m.apply("nothing to mask", scratch)), std::string("nothing to mask"));
        Masker named({"number"});
        QCOMPARE(std::string(named.apply("took 12 ms and 3.5 s", scratch)), std::string("took <*> ms and <*> s"));
        QVERIFY_THROWS_EXCEPTION(InputError, Masker({"(unclosed"}));
        QVERIFY_THROWS_EXCEPTION(InputError, Masker({"x*"}));
    }

    void timestamps() {
        TimestampParser hdfs("%y%m%d %H%M%S");
        QCOMPARE(*hdfs.parse("081109 203518"), 1226262918.0);
        TimestampParser bglTime("%Y-%m-%d-%H.%M.%S.%f");
        QVERIFY(std::abs(*bglTime.parse("2005-06-03-15.42.50.675872") - 1117813370.675872) < 1e-5);
        TimestampParser syslog("%b %d %H:%M:%S");
        QVERIFY(syslog.parse("Dec 10 06:55:46").has_value());
        QVERIFY(!hdfs.parse("0811 203518").has_value());
        QVERIFY(!hdfs.parse("081309 203518").has_value()); // month 13
        TimestampParser epoch("epoch");
        QCOMPARE(*epoch.parse("1117838570"), 1117838570.0);
        QVERIFY(!epoch.parse("11178x").has_value());
        QVERIFY_THROWS_EXCEPTION(InputError, TimestampParser("%Q"));
    }
};

QTEST_GUILESS_MAIN(TestLogFormat)
#include "test_log_format.moc"
