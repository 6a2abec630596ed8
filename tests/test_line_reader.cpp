// SPDX-License-Identifier: GPL-3.0-or-later
// Reading files: line endings, gzip, bad files, directories, CSV.
#include <QTemporaryDir>
#include <QtTest>
#include <zlib.h>

#include <algorithm>
#include <random>

#include "engine/core/errors.h"
#include "engine/io/csv.h"
#include "engine/io/file_list.h"
#include "engine/io/line_reader.h"
#include "engine/io/raw_line_index.h"
#include "test_support.h"

using testsupport::gzipBytes;

using namespace logbert;
using testsupport::inputErrorOf;
using testsupport::writeFile;

namespace {
std::vector<std::string> readAll(const std::string& path) {
    LineReader reader(path);
    std::vector<std::string> lines;
    std::string_view line;
    while (reader.next(line)) lines.emplace_back(line);
    return lines;
}


} // namespace

class TestLineReader : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private slots:
    void lineEndings_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("LF") << QByteArray("a b\nc\n\nd\n");
        QTest::newRow("CRLF") << QByteArray("a b\r\nc\r\n\r\nd\r\n");
        QTest::newRow("no final newline") << QByteArray("a b\nc\n\nd");
        QTest::newRow("CRLF, no final newline") << QByteArray("a b\r\nc\r\n\r\nd");
    }
    void lineEndings() {
        QFETCH(QByteArray, bytes);
        auto path = writeFile(dir.path(), "endings.log", bytes.toStdString());
        QCOMPARE(readAll(path), (std::vector<std::string>{"a b", "c", "", "d"}));
    }

    void invalidUtf8PassesThrough() {
        auto path = writeFile(dir.path(), "latin1.log", "caf\xe9 \xff\xfe ok\nnext\n");
        auto lines = readAll(path);
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(lines[0], std::string("caf\xe9 \xff\xfe ok"));
    }

    void longLineAcrossChunks() {
        std::string big(3'500'000, 'x');
        auto path = writeFile(dir.path(), "long.log", "short\n" + big + "\nend");
        auto lines = readAll(path);
        QCOMPARE(lines.size(), std::size_t(3));
        QCOMPARE(lines[1].size(), big.size());
        QCOMPARE(lines[2], std::string("end"));
    }

    void gzip() {
        std::string text;
        for (int i = 0; i < 50000; ++i) text += "line " + std::to_string(i) + "\r\n";
        auto path = writeFile(dir.path(), "log.gz", gzipBytes(text));
        LineReader reader(path);
        QVERIFY(reader.isGzip());
        std::string_view line;
        std::size_t n = 0;
        std::string last;
        while (reader.next(line)) {
            ++n;
            last = std::string(line);
        }
        QCOMPARE(n, std::size_t(50000));
        QCOMPARE(last, std::string("line 49999"));
    }

    void rawLineIndexReadsWhatLineReaderReads() {
        // 20,000 lines across many 4096-line strides and 1 MiB chunks: CRLF and LF, empty lines,
        // lines far longer than the cut, no final newline.
        std::string text;
        std::mt19937 rng(7);
        for (int i = 1; i <= 20000; ++i) {
            const int kind = int(rng() % 10);
            std::string line = kind == 0 ? "" : kind == 1 ? std::string(3000 + rng() % 3000, char('a' + i % 26))
                                                          : "line " + std::to_string(i) + " x" + std::string(rng() % 60, 'y');
            text += line + (i == 20000 ? "" : kind == 2 ? "\r\n" : "\n");
        }
        for (const bool gz : {false, true}) {
            const std::string path = writeFile(dir.path(), gz ? "index.log.gz" : "index.log", gz ? gzipBytes(text) : text);
            std::vector<std::string> all(1);
            LineReader reader(path);
            std::string_view l;
            while (reader.next(l)) all.emplace_back(l);
            QCOMPARE(all.size(), std::size_t(20001));
            RawLineIndex index;
            for (int round = 0; round < 6; ++round) { // later rounds seek through what earlier ones indexed
                std::vector<std::uint32_t> wanted;
                for (int k = 0; k < 40; ++k) wanted.push_back(1 + rng() % 20000);
                if (round == 0) wanted = {20000, 5, 5, 0, 25000}; // last line, a repeat, 0 and past the end
                const auto lines = index.read(path, wanted, 2048);
                std::sort(wanted.begin(), wanted.end());
                wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
                wanted.erase(std::remove_if(wanted.begin(), wanted.end(), [](auto n) { return n == 0 || n > 20000; }), wanted.end());
                QCOMPARE(lines.size(), wanted.size());
                for (std::size_t k = 0; k < lines.size(); ++k) {
                    const std::string& expected = all[wanted[k]];
                    QCOMPARE(lines[k].number, wanted[k]);
                    QCOMPARE(lines[k].text, expected.substr(0, 2048));
                    QCOMPARE(lines[k].cut, expected.size() > 2048);
                }
            }
        }
        QVERIFY_THROWS_EXCEPTION(InputError, RawLineIndex().read(dir.filePath("missing.log").toStdString(), {1}));
    }

    void badFiles_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << "file is empty";
        QTest::newRow("binary") << QByteArray("\x7f" "ELF\x02\x01\x01\x00\x00\x00 binary", 18) << "binary file";
        std::string text;
        for (int i = 0; i < 20000; ++i) text += "some log line number " + std::to_string(i) + "\n";
        std::string gz = gzipBytes(text);
        QTest::newRow("truncated gzip") << QByteArray::fromStdString(gz.substr(0, gz.size() / 2)) << "truncated";
    }
    void badFiles() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        auto path = writeFile(dir.path(), "bad.bin", bytes.toStdString());
        QString message = inputErrorOf([&] { readAll(path); });
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.startsWith(QString::fromStdString(path)), qPrintable(message));
    }

    void missingFile() {
        QString message = inputErrorOf([&] { LineReader r(dir.filePath("nope.log").toStdString()); });
        QVERIFY2(message.contains("no such file"), qPrintable(message));
    }

    void directoriesAreSortedAndLimited() {
        writeFile(dir.path(), "logs/b.log", "b\n");
        writeFile(dir.path(), "logs/a.log", "a\n");
        writeFile(dir.path(), "logs/sub/c.log", "c\n");
        writeFile(dir.path(), "logs/.hidden", "h\n");
        auto files = expandInputPaths({dir.filePath("logs").toStdString()}, 0);
        QCOMPARE(files.size(), std::size_t(3));
        QVERIFY(files[0].find("a.log") != std::string::npos);
        QVERIFY(files[1].find("b.log") != std::string::npos);
        QVERIFY(files[2].find("sub/c.log") != std::string::npos);
        QCOMPARE(expandInputPaths({dir.filePath("logs").toStdString()}, 2).size(), std::size_t(2));
    }

    void csvQuotingAndColumns() {
        auto path = writeFile(dir.path(), "t.csv",
                              "LineId,EventId,EventTemplate\n1,E1,\"a, \"\"quoted\"\" b\"\n2,E2,\"multi\nline\"\n\n3,E3,plain\n");
        CsvReader csv(path);
        QCOMPARE(csv.requireColumn("eventtemplate"), 2);
        std::vector<std::string_view> row;
        QVERIFY(csv.next(row));
        QCOMPARE(std::string(row[2]), std::string("a, \"quoted\" b"));
        QVERIFY(csv.next(row));
        QCOMPARE(std::string(row[2]), std::string("multi\nline"));
        QVERIFY(csv.next(row));
        QCOMPARE(std::string(row[0]), std::string("3"));
        QCOMPARE(csv.rowLine(), 6L);
        QVERIFY(!csv.next(row));

        QString message = inputErrorOf([&] { CsvReader c(path); c.requireColumn("Label"); });
        QVERIFY2(message.contains("expected a column named 'Label'") && message.contains("LineId,EventId"), qPrintable(message));
        auto ragged = writeFile(dir.path(), "ragged.csv", "a,b\n1,2\n3\n");
        message = inputErrorOf([&] {
            CsvReader c(ragged);
            std::vector<std::string_view> r;
            while (c.next(r)) {}
        });
        QVERIFY2(message.endsWith("ragged.csv:3: expected 2 fields, found 1"), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestLineReader)
#include "test_line_reader.moc"
