// SPDX-License-Identifier: GPL-3.0-or-later
// Presets and run YAML: every preset loads, layers override, every kind of bad YAML says where.
#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QtTest>

#include <filesystem>
#include <sys/stat.h>

#include "engine/config/presets.h"
#include "engine/config/run_config.h"
#include "engine/core/errors.h"
#include "engine/core/utf8.h"
#include "engine/training/run_summary.h"
#include "test_support.h"

using namespace logbert;

class TestConfig : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    RunConfig loadText(const std::string& yaml, std::vector<std::string> overrides = {}) {
        ConfigSources s;
        s.runFile = testsupport::writeFile(dir.path(), "run.yaml", yaml);
        s.overrides = std::move(overrides);
        return loadRunConfig(s);
    }

private slots:
    void everyPresetLoads_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("hidden");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("seq");
        QTest::addColumn<double>("ratio");
        QTest::addColumn<int>("files");
        QTest::addColumn<int>("epochs");
        QTest::addColumn<int>("batch");
        QTest::newRow("test") << "test" << 256 << 4 << 4 << 256 << 0.01 << 5 << 2 << 8;
        QTest::newRow("mid") << "mid" << 512 << 6 << 8 << 256 << 0.1 << 50 << 5 << 16;
        QTest::newRow("full") << "full" << 768 << 12 << 12 << 512 << 1.0 << 0 << 10 << 32;
    }
    void everyPresetLoads() {
        QFETCH(QString, name);
        ConfigSources s;
        s.presetName = name.toStdString();
        RunConfig c = loadRunConfig(s);
        QTEST(c.model.hiddenSize, "hidden");
        QTEST(c.model.numHiddenLayers, "layers");
        QTEST(c.model.numAttentionHeads, "heads");
        QTEST(c.model.maxSeqLen, "seq");
        QTEST(c.data.sampleRatio, "ratio");
        QTEST(c.data.maxFiles, "files");
        QTEST(c.training.numEpochs, "epochs");
        QTEST(c.training.batchSize, "batch");
    }

    void everyExampleLoads() {
        // The README's commands use these files: each must load as it is written.
        qputenv("LOGBERT_DATASETS", dir.path().toUtf8()); // paths are only resolved, not read
        int runFiles = 0;
        for (const QFileInfo& f : QDir(QString(LOGBERT_SOURCE_DIR) + "/examples").entryInfoList({"*.yaml"}, QDir::Files)) {
            ConfigSources s;
            const std::string path = f.absoluteFilePath().toStdString();
            (isRunFile(path) ? s.runFile : s.dataFile) = path;
            if (!isRunFile(path)) s.presetName = "test";
            runFiles += isRunFile(path);
            try {
                const RunConfig c = loadRunConfig(s);
                QCOMPARE(c.data.name, std::string("hdfs-deeplog"));
            } catch (const InputError& e) {
                QFAIL(qPrintable(f.fileName() + ": " + QString::fromStdString(e.what())));
            }
        }
        QVERIFY(runFiles >= 2);
        ConfigSources distinct;
        distinct.runFile = std::string(LOGBERT_SOURCE_DIR) + "/examples/hdfs-deeplog-distinct.yaml";
        QCOMPARE(loadRunConfig(distinct).training.duplicates, std::string("once"));
    }

    void yamlAliasesAndSpecialFilesAreBounded() {
        // An alias inside the value it names recursed until SIGSEGV; nested aliases (billion
        // laughs) stood for 10^9 values; /dev/zero was read until memory ran out, a FIFO forever.
        const QString self = testsupport::inputErrorOf([&] { loadText("preset: test\na: &x [*x]\n"); });
        QVERIFY2(self.contains("run.yaml:2:") && self.contains("nested deeper than 64"), qPrintable(self));
        std::string laughs = "preset: test\nl0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 9; ++i) {
            laughs += "l" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
            for (int k = 0; k < 10; ++k) laughs += (k ? ", *a" : "*a") + std::to_string(i - 1);
            laughs += "]\n";
        }
        QElapsedTimer timer;
        timer.start();
        const QString bomb = testsupport::inputErrorOf([&] { loadText(laughs); });
        QVERIFY2(bomb.contains("more than 100000 YAML values"), qPrintable(bomb));
        qInfo("billion laughs refused after %lld ms", (long long)timer.elapsed());
        const QString set = testsupport::inputErrorOf([&] { loadText("preset: test\n", {"training.seed=&x [*x]"}); });
        QVERIFY2(set.startsWith("--set training.seed=&x [*x]: ") && set.contains("nested deeper"), qPrintable(set));
        // Aliases within the limits still work.
        QCOMPARE(loadText("preset: test\ndata: {name: &n demo}\nmodel: {end_token: on}\n").data.name, std::string("demo"));

        ConfigSources device;
        device.runFile = "/dev/zero";
        const QString zero = testsupport::inputErrorOf([&] { loadRunConfig(device); });
        QVERIFY2(zero.contains("not a regular file"), qPrintable(zero));
        const std::string fifo = dir.filePath("pipe.yaml").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        ConfigSources pipe;
        pipe.dataFile = fifo;
        pipe.presetName = "test";
        const QString blocked = testsupport::inputErrorOf([&] { loadRunConfig(pipe); }); // returns: never opened
        QVERIFY2(blocked.contains("not a regular file"), qPrintable(blocked));
        // Over the size cap: refused from its size, before reading it.
        const std::string big = dir.filePath("big.yaml").toStdString();
        std::filesystem::resize_file(testsupport::writeFile(dir.path(), "big.yaml", "preset: test\n"), (16u << 20) + 1);
        ConfigSources huge;
        huge.runFile = big;
        const QString tooBig = testsupport::inputErrorOf([&] { loadRunConfig(huge); });
        QVERIFY2(tooBig.contains("at most 16 MiB"), qPrintable(tooBig));
        // A run folder's own files, read by the Compare page and by detect, are bounded too.
        QDir(dir.path()).mkpath("run");
        testsupport::writeFile(dir.filePath("run"), "config.yaml", "a: &x [*x]\n");
        const QString run = testsupport::inputErrorOf([&] { loadRunSummary(dir.filePath("run").toStdString()); });
        QVERIFY2(run.contains("config.yaml:1:") && run.contains("nested deeper"), qPrintable(run));
    }

    void countWindowsMoveByWholeLines() {
        // step 0.5 divided by zero (SIGFPE) when the windows were cut; 1.5 silently became 1.
        for (const char* step : {"0.5", "1.5"}) {
            const QString error = testsupport::inputErrorOf([&] {
                loadText("preset: test\ndata:\n  session: {by: count, size: 10, step: " + std::string(step) + "}\n");
            });
            QVERIFY2(error.contains("data.session.step") && error.contains("whole number of lines, found " + QString(step)),
                     qPrintable(error));
        }
        QCOMPARE(loadText("preset: test\ndata:\n  session: {by: count, size: 10, step: 5}\n").data.windowStep, 5.0);
    }

    void windowsStayWithinWhatTheDataCanHold() {
        // A time window of 1e-300 s spun forever (its start never moved at epoch times); size 1e9
        // with step 1 put every line into a billion windows.
        auto errorOf = [&](const std::string& session) {
            return testsupport::inputErrorOf([&] { loadText("preset: test\ndata:\n  session: " + session + "\n"); });
        };
        QVERIFY(errorOf("{by: time, size: 1e-300}").contains("data.session.size: time windows last at least 0.001 seconds"));
        QVERIFY(errorOf("{by: time, size: 60, step: 1e-300}").contains("data.session.step: time windows move by at least 0.001 seconds"));
        const QString many = errorOf("{by: count, size: 1000000000, step: 1}");
        QVERIFY2(many.contains("data.session.step: each line would belong to 1000000000 windows (size / step); at most 10000"),
                 qPrintable(many));
        QVERIFY(errorOf("{by: time, size: 100, step: 0.001}").contains("100000 windows"));
        QCOMPARE(loadText("preset: test\ndata:\n  session: {by: time, size: 10, step: 0.001}\n").data.windowStep, 0.001);
        QCOMPARE(loadText("preset: test\ndata:\n  session: {by: count, size: 10000, step: 1}\n").data.windowSize, 10000.0);
    }

    void duplicatesTakeOneOfThreeModes() {
        QCOMPARE(loadText("preset: test\n").training.duplicates, std::string("keep"));
        QCOMPARE(loadText("preset: test\ntraining: {duplicates: weighted}\n").training.duplicates, std::string("weighted"));
        const QString error = testsupport::inputErrorOf([&] { loadText("preset: test\ntraining: {duplicates: yes}\n"); });
        QVERIFY2(error.contains("training.duplicates") && error.contains("keep, once, weighted"), qPrintable(error));
        // The resolved config says which mode ran.
        QVERIFY(loadText("preset: test\n", {"training.duplicates=once"}).toYaml().find("duplicates: once") != std::string::npos);
    }

    void presetsOnDiskMatchTheEmbeddedOnes() {
        QCOMPARE(presetNames(), (std::vector<std::string>{"full", "mid", "test"}));
        for (const auto& n : presetNames()) {
            QFile f(QString(LOGBERT_SOURCE_DIR) + "/presets/" + QString::fromStdString(n) + ".yaml");
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll().toStdString(), presetYaml(n));
        }
    }

    void layersOverride() {
        testsupport::writeFile(dir.path(), "logs/a.log", "x\n");
        RunConfig c = loadText("preset: mid\n"
                               "data:\n  inputs:\n    - path: logs/a.log\n  sample_ratio: 0.5\n"
                               "model:\n  hidden_size: 128\n",
                               {"training.batch_size=4", "model.num_attention_heads=4"});
        QCOMPARE(c.data.sampleRatio, 0.5);         // run file over preset
        QCOMPARE(c.data.maxFiles, 50);             // from the preset
        QCOMPARE(c.model.hiddenSize, 128);         // run file
        QCOMPARE(c.model.numHiddenLayers, 6);      // preset
        QCOMPARE(c.training.batchSize, 4);         // --set
        QCOMPARE(c.data.inputs.size(), std::size_t(1));
        QVERIFY(c.data.inputs[0].path.find(dir.path().toStdString()) == 0); // relative to the YAML file
        QCOMPARE(c.data.parser.masks.size(), std::size_t(2)); // hdfs defaults
        QCOMPARE(c.data.sessionPattern, std::string(R"(blk_-?\d+)"));
        // The resolved YAML loads back to the same config.
        auto again = loadText(c.toYaml());
        QCOMPARE(again.toYaml(), c.toYaml());
    }

    void badYaml_data() {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("wrong type") << "model:\n  hidden_size: big\n" << "run.yaml:2: model.hidden_size: expected an integer, found 'big'";
        QTest::newRow("unknown key") << "model:\n  hiden_size: 256\n" << "run.yaml:2: unknown key 'model.hiden_size' (did you mean 'model.hidden_size'?)";
        QTest::newRow("unknown section") << "modle:\n  hidden_size: 256\n" << "run.yaml:1: unknown key 'modle'";
        QTest::newRow("heads do not divide") << "model:\n  hidden_size: 256\n  num_attention_heads: 3\n"
                                             << "run.yaml:3: model.num_attention_heads: num_attention_heads (3) must divide hidden_size (256)";
        QTest::newRow("sample ratio 0") << "data:\n  sample_ratio: 0\n" << "run.yaml:2: data.sample_ratio: must be in (0, 1], found 0";
        QTest::newRow("sample ratio above 1") << "data:\n  sample_ratio: 1.5\n" << "run.yaml:2: data.sample_ratio: must be in (0, 1], found 1.5";
        QTest::newRow("negative epochs") << "training:\n  num_epochs: -1\n" << "run.yaml:2: training.num_epochs: must be between 1 and";
        QTest::newRow("bad enum") << "training:\n  device: gpu\n" << "run.yaml:2: training.device: expected one of auto, cpu, cuda, mps, found 'gpu'";
        QTest::newRow("malformed") << "model: [1, 2\n" << "run.yaml:2: malformed YAML";
        QTest::newRow("not a mapping") << "- a\n- b\n" << "run.yaml:1: expected a YAML mapping";
        QTest::newRow("section is a scalar") << "model: 5\n" << "run.yaml:1: model: expected a mapping";
        QTest::newRow("unknown preset") << "preset: huge\n" << "preset 'huge': no such preset; built-in presets are full, mid, test";
        QTest::newRow("bad input key") << "data:\n  inputs:\n    - path: x\n      knd: raw\n" << "run.yaml:4: data.inputs: unknown input key 'knd'";
        QTest::newRow("deeplog without label") << "data:\n  inputs:\n    - path: x\n      kind: deeplog\n" << "needs 'label: normal' or 'label: anomaly'";
        QTest::newRow("bad format") << "data:\n  format: '<Date> <Time>'\n" << "run.yaml:2: data.format: no <Content> field";
        QTest::newRow("bad mask") << "data:\n  parser:\n    masks: ['(x']\n" << "run.yaml:3: data.parser.masks:";
        QTest::newRow("unset variable") << "data:\n  inputs:\n    - ${LOGBERT_SURELY_UNSET}/x\n" << "environment variable LOGBERT_SURELY_UNSET is not set";
        QTest::newRow("step above size") << "data:\n  session:\n    by: count\n    size: 5\n    step: 10\n" << "run.yaml:5: data.session.step: step must not exceed";
    }
    void badYaml() {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        const QString message = testsupport::inputErrorOf([&] { loadText(yaml.toStdString()); });
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void notUtf8() {
        // An overlong '[' (C1 9B) that yaml-cpp would write back as a real '['.
        const QString message = testsupport::inputErrorOf([&] { loadText("data:\n  format: \"<Date> \xC1\x9B<Content>\"\n"); });
        QVERIFY2(message.endsWith("run.yaml:2: not UTF-8 text (byte 0xC1 in column 19); YAML files are UTF-8"), qPrintable(message));
        QVERIFY(testsupport::inputErrorOf([&] { loadText("{}", {"data.format=<Date> \xC1\x9B<Content>"}); }).endsWith("not UTF-8 text"));
        // yaml-cpp reads the escape \N as the lone byte 0x85.
        const QString escaped = testsupport::inputErrorOf([&] { loadText("data:\n  session:\n    pattern: \"blk\\N\"\n"); });
        QVERIFY2(escaped.contains("run.yaml:3: a value is not UTF-8 text after its escapes are read"), qPrintable(escaped));
        QCOMPARE(loadText("data:\n  name: \"caf\\u00e9\"\n").data.name, std::string("caf\xC3\xA9")); // other escapes are fine
        QCOMPARE(loadText("# caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9D\x84\x9E\nmodel:\n  hidden_size: 128\n").model.hiddenSize, 128);
        QCOMPARE(invalidUtf8Offset("ok \xF0\x9D\x84\x9E"), std::string_view::npos);
        QCOMPARE(invalidUtf8Offset("ab\xE0\x80\x80"), std::size_t(2)); // overlong
        QCOMPARE(invalidUtf8Offset("\xED\xA0\x80"), std::size_t(0));   // surrogate
        QCOMPARE(invalidUtf8Offset("\xF4\x90\x80\x80"), std::size_t(0)); // above U+10FFFF
        QCOMPARE(invalidUtf8Offset("x\xE2\x9C"), std::size_t(1));       // cut short
        QCOMPARE(invalidUtf8Offset("\x80"), std::size_t(0));             // lone continuation
    }

    void controlCharactersSurviveSaving() {
        // yaml-cpp would write the CR plainly and read it back as a line break.
        const RunConfig c = loadText("data:\n  name: \"demo\\r\"\n  format: \"<Date> <Content>\\t\\x00\"\n");
        QCOMPARE(c.data.name, std::string("demo\r"));
        const RunConfig again = loadText(c.toYaml());
        QCOMPARE(again.data.name, c.data.name);
        QCOMPARE(again.data.format, c.data.format);
        QCOMPARE(again.toYaml(), c.toYaml());
    }

    void badOverride() {
        QVERIFY_THROWS_EXCEPTION(InputError, loadText("{}", {"model.hidden=3"}));
        QVERIFY_THROWS_EXCEPTION(InputError, loadText("{}", {"novalue"}));
        const QString message = testsupport::inputErrorOf([&] { loadText("{}", {"model.num_attention_heads=5"}); });
        QVERIFY2(message.startsWith("--set model.num_attention_heads=5: model.num_attention_heads: num_attention_heads (5) must divide"),
                 qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestConfig)
#include "test_config.moc"
