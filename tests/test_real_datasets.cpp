// SPDX-License-Identifier: GPL-3.0-or-later
// Acceptance on the public datasets in ../shared/datasets (LOGBERT_DATASETS); SKIP without them.
#include <QtTest>
#include <map>
#include <set>

#include "engine/config/run_config.h"
#include "engine/data/dataset.h"
#include "engine/io/csv.h"
#include "engine/io/line_reader.h"
#include "engine/parsing/raw_log_parser.h"
#include "test_support.h"

using namespace logbert;

namespace {
// The loghub 2k folders and the built-in formats that carry loghub's benchmark settings.
const std::vector<std::pair<const char*, const char*>> kSystems = {
    {"HDFS", "hdfs"}, {"BGL", "bgl"}, {"Spark", "spark"}, {"Zookeeper", "zookeeper"},
    {"OpenSSH", "openssh"}, {"Apache", "apache"}, {"HPC", "hpc"}, {"Proxifier", "proxifier"}};

/// loghub's grouping accuracy: a line is correct when its parsed group holds exactly the lines
/// of its ground-truth group.
double groupingAccuracy(const std::vector<std::string>& truth, const std::vector<int>& parsed) {
    std::map<std::string, std::set<std::size_t>> byTruth;
    std::map<int, std::set<std::size_t>> byParsed;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        byTruth[truth[i]].insert(i);
        byParsed[parsed[i]].insert(i);
    }
    std::size_t correct = 0;
    for (const auto& [id, lines] : byParsed)
        if (byTruth[truth[*lines.begin()]] == lines) correct += lines.size();
    return double(correct) / double(truth.size());
}

RunConfig configFor(const std::string& yaml) {
    QTemporaryDir* dir = new QTemporaryDir; // lives for the test run
    auto path = testsupport::writeFile(dir->path(), "run.yaml", yaml);
    ConfigSources s;
    s.runFile = path;
    return loadRunConfig(s);
}
} // namespace

class TestRealDatasets : public QObject {
    Q_OBJECT

private slots:
    void drainGroupingAccuracy() {
        REQUIRE_DATASETS(root);
        std::map<std::string, double> accuracy;
        for (const auto& [name, formatName] : kSystems) {
            const std::string base = root + "/loghub_2k/" + name + "/" + name + "_2k.log";
            const BuiltinFormat& f = *findBuiltinFormat(formatName);
            RawLogParser parser(f.name, DrainOptions{f.depth, f.similarity, 100, f.masks});
            std::vector<int> parsed;
            std::size_t fastMismatches = 0;
            parser.parseFile(base, 0, [&](const ParsedLine& p) {
                QVERIFY2(p.matched, (base + ":" + std::to_string(p.line)).c_str());
                parsed.push_back(p.key);
                std::vector<std::string_view> reference;
                parser.format().matchWithRegex(p.text, reference);
                if (reference != *p.fields) ++fastMismatches;
            });
            QCOMPARE(fastMismatches, std::size_t(0)); // the fast matcher splits like RE2 on real lines
            CsvReader truthCsv(base + "_structured.csv");
            const int col = truthCsv.requireColumn("EventId");
            std::vector<std::string> truth;
            std::vector<std::string_view> row;
            while (truthCsv.next(row)) truth.emplace_back(row[std::size_t(col)]);
            QCOMPARE(truth.size(), parsed.size());
            accuracy[name] = groupingAccuracy(truth, parsed);
            qInfo("Drain grouping accuracy %-10s %.4f  (%zu templates)", name, accuracy[name],
                  parser.drain().templateCount());
        }
        QVERIFY2(accuracy["HDFS"] >= 0.99, "HDFS below 0.99");
        QVERIFY2(accuracy["BGL"] >= 0.95, "BGL below 0.95");
    }

    void rawHdfsWithLabels() {
        REQUIRE_DATASETS(root);
        RunConfig c = configFor("data:\n  inputs: [" + root + "/hdfs_raw_5k/HDFS_5k.log]\n  format: hdfs\n"
                                "  labels: {source: file, path: " + root + "/hdfs_raw_5k/anomaly_label.csv}\n");
        Dataset d = buildDataset(c.data);
        QCOMPARE(d.stats.linesRead, std::uint64_t(4519));
        QCOMPARE(d.stats.linesUnmatched, std::uint64_t(0));
        QCOMPARE(d.sessions.size(), std::size_t(110));
        std::size_t anomalies = 0;
        for (const auto& s : d.sessions) anomalies += s.label == Label::Anomaly;
        QCOMPARE(anomalies, std::size_t(10));
        QVERIFY(d.warnings.empty());
    }

    void deepLogFiles() {
        REQUIRE_DATASETS(root);
        RunConfig c = configFor("data:\n  inputs:\n"
                                "    - {path: " + root + "/deeplog_hdfs/hdfs_train, kind: deeplog, label: normal, role: train}\n"
                                "    - {path: " + root + "/deeplog_hdfs/hdfs_test_abnormal, kind: deeplog, label: anomaly, role: test}\n"
                                "    - {path: " + root + "/hdfs_labelled_sessions/robust_log_train.csv, kind: sequence_csv, role: test, only: normal}\n");
        Dataset d = buildDataset(c.data);
        QCOMPARE(d.count(Split::Train, Label::Normal) + d.count(Split::Validation, Label::Normal), std::size_t(4855));
        QCOMPARE(d.count(Split::Test, Label::Anomaly), std::size_t(16838));
        QCOMPARE(d.count(Split::Test, Label::Normal), std::size_t(6000));
        QCOMPARE(d.vocabulary.keyCount(), std::size_t(14)); // "Train uses 14 distinct keys" (minus validation)
    }
};

QTEST_GUILESS_MAIN(TestRealDatasets)
#include "test_real_datasets.moc"
