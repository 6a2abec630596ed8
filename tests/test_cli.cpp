// SPDX-License-Identifier: GPL-3.0-or-later
// The `logbert` command: outputs of parse, and bad input: one line, exit code 2, nothing left.
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QFileInfo>
#include <QtTest>
#include <tuple>

#include "test_support.h"

using testsupport::writeFile;

namespace {
using Result = testsupport::CliResult;
Result run(const QStringList& args) { return testsupport::runCli(args, 120000); }
} // namespace

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private slots:
    // The workbench answers --help and --version without a display, and without one otherwise
    // says so (exit 2) instead of Qt aborting.
    void workbenchHelpNeedsNoDisplay() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(name);
        auto gui = [&](const QStringList& args) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(LOGBERT_GUI_PATH, args);
            p.waitForFinished(60000);
            return std::make_tuple(p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                                   QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError()));
        };
        const auto [helpCode, help, helpErr] = gui({"--help"});
        QVERIFY2(helpCode == 0 && help.contains("--demo") && help.contains("--workspace"), qPrintable(help + helpErr));
        const auto [versionCode, version, versionErr] = gui({"--version"});
        QVERIFY2(versionCode == 0 && version.startsWith("LogBERT Workbench 0."), qPrintable(version + versionErr));
        const auto [code, out, err] = gui({"--demo"});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains("no display"), qPrintable(err));
    }

    // `logbert-workbench --run RUN --report FILE` writes the report of a finished run and exits;
    // without a finished run it says why (exit 2) instead of waiting for an evaluation forever.
    void workbenchWritesAReportThenQuits() {
        const QString demo = dir.filePath("report-demo"), runDir = dir.filePath("report-run");
        QCOMPARE(run({"demo-data", demo, "--sessions", "400"}).code, 0);
        const Result trained = run({"train", demo + "/demo.yaml", "--out", runDir, "--quiet", "--set", "model.hidden_size=16",
                                    "--set", "model.num_hidden_layers=1", "--set", "model.num_attention_heads=2",
                                    "--set", "model.max_seq_len=64", "--set", "training.num_epochs=1",
                                    "--set", "training.batch_size=32", "--set", "training.threads=1"});
        QVERIFY2(trained.code == 0, qPrintable(trained.err));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_CONFIG_HOME", dir.filePath("report-config"));
        auto gui = [&](const QStringList& args) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(LOGBERT_GUI_PATH, QStringList{"--workspace", dir.filePath("report-ws")} + args);
            if (!p.waitForFinished(120000)) p.kill();
            return std::make_pair(p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardError()));
        };
        const QString html = dir.filePath("out/report.html");
        QDir().mkpath(dir.filePath("out"));
        const auto [code, err] = gui({"--run", runDir, "--report", html});
        QVERIFY2(code == 0, qPrintable(err));
        QVERIFY(QFileInfo(html).size() > 10000 && QFileInfo(dir.filePath("out/report.pdf")).size() > 10000);
        const auto [noRun, noRunErr] = gui({"--report", html});
        QCOMPARE(noRun, 2);
        QVERIFY2(noRunErr.contains("--report FILE needs --run"), qPrintable(noRunErr));
        const auto [notARun, notARunErr] = gui({"--run", demo, "--report", html});
        QCOMPARE(notARun, 2);
        QVERIFY2(notARunErr.contains("not a run folder"), qPrintable(notARunErr));
        const auto [badOut, badOutErr] = gui({"--run", runDir, "--report", dir.filePath("missing-folder/r.html")});
        QCOMPARE(badOut, 2);
        QVERIFY2(badOutErr.contains("cannot write"), qPrintable(badOutErr));
    }

    void everyCommandHasHelpAndThereIsAVersion() {
        for (const QString command : {"parse", "dataset", "train", "evaluate", "detect", "demo-data", "info"}) {
            for (const QString flag : {"--help", "-h"}) {
                // Help wins over every other argument, even bad ones, and does nothing else.
                const Result r = run({command, "no-such-file", flag});
                QVERIFY2(r.code == 0, qPrintable(command + " " + flag + ": " + r.err));
                QVERIFY2(r.out.startsWith("usage: logbert " + command), qPrintable(r.out));
                QVERIFY(r.err.isEmpty());
            }
        }
        const Result v = run({"--version"});
        QCOMPARE(v.code, 0);
        QVERIFY2(v.out.startsWith("logbert 0.1.0"), qPrintable(v.out));
        const Result all = run({"--help"});
        QCOMPARE(all.code, 0);
        QVERIFY(all.out.contains("logbert COMMAND --help"));
        const Result none = run({});
        QCOMPARE(none.code, 2); // no command: usage on stderr
        QVERIFY(none.err.startsWith("usage: logbert"));
    }

    void parseWritesTemplatesAndStructured() {
        auto log = writeFile(dir.path(), "in/HDFS.log",
                             "081109 203518 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_1 src: /10.0.0.1:5 dest: /10.0.0.2:50010\r\n"
                             "not a log line\r\n"
                             "081109 203519 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_2 src: /10.0.0.3:5 dest: /10.0.0.4:50010\r\n"
                             "081109 203520 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: blk_2 is added to invalidSet of 10.0.0.4:50010");
        const QString out = dir.filePath("parsed");
        Result r = run({"parse", "--format", "hdfs", "--out", out, QString::fromStdString(log)});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("lines read 4, lines matched 3, unmatched 1, templates 2"), qPrintable(r.out));
        QVERIFY2(r.out.contains("lines/s"), qPrintable(r.out));
        QVERIFY2(r.out.contains("HDFS.log:2: not a log line"), qPrintable(r.out));

        QFile templates(out + "/templates.csv");
        QVERIFY(templates.open(QIODevice::ReadOnly));
        QCOMPARE(QString(templates.readAll()),
                 QString("EventId,EventTemplate,Occurrences\n"
                         "E1,Receiving block <*> src: /<*> dest: /<*>,2\n"
                         "E2,BLOCK* NameSystem.delete: <*> is added to invalidSet of <*>,1\n"));
        QFile structured(out + "/structured.csv");
        QVERIFY(structured.open(QIODevice::ReadOnly));
        QCOMPARE(QString(structured.readAll()),
                 QString("LineId,EventId,EventTemplate\n"
                         "1,E1,Receiving block <*> src: /<*> dest: /<*>\n"
                         "2,,\n"
                         "3,E1,Receiving block <*> src: /<*> dest: /<*>\n"
                         "4,E2,BLOCK* NameSystem.delete: <*> is added to invalidSet of <*>\n"));
    }

    void parseOptionsAndCustomFormat() {
        auto log = writeFile(dir.path(), "custom/app.log", "[10:00] svc - took 12 ms\n[10:01] svc - took 7 ms\n");
        const QString out = dir.filePath("custom-out");
        Result r = run({"parse", "--format", "\\[<Time>\\] <Program> - <Content>", "--depth", "3", "--st", "0.4",
                        "--max-children", "10", "--mask", "\\d+", "--out", out, QString::fromStdString(log)});
        QCOMPARE(r.code, 0);
        QFile templates(out + "/templates.csv");
        QVERIFY(templates.open(QIODevice::ReadOnly));
        QVERIFY(QString(templates.readAll()).contains("E1,took <*> ms,2"));
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString d = dir.path();
        writeFile(d, "bad/empty.log", "");
        writeFile(d, "bad/binary.log", std::string("\x00\x01\x02 binary", 10));
        writeFile(d, "bad/bad.yaml", "model:\n  hidden_size: 256\n  num_attention_heads: 5\n");
        writeFile(d, "bad/malformed.yaml", "data: [\n");
        writeFile(d, "bad/labels.csv", "Id,Status\n1,2\n");
        writeFile(d, "bad/nolabels.yaml", "data:\n  inputs: [" + d.toStdString() + "/bad/ok.log]\n  labels: {source: file, path: labels.csv}\n");
        writeFile(d, "bad/ok.log", "081109 203518 143 INFO dfs.DataNode: Receiving block blk_1 src\n");
        QTest::newRow("missing file") << QStringList{"parse", "--out", d + "/o1", d + "/nope.log"} << "nope.log: no such file or directory";
        QTest::newRow("empty file") << QStringList{"parse", "--out", d + "/o2", d + "/bad/empty.log"} << "empty.log: file is empty";
        QTest::newRow("binary file") << QStringList{"parse", "--out", d + "/o3", d + "/bad/binary.log"} << "binary.log: looks like a binary file";
        QTest::newRow("bad format") << QStringList{"parse", "--format", "<A> <B>", "--out", d + "/o4", d + "/bad/ok.log"} << "no <Content> field";
        QTest::newRow("bad number") << QStringList{"parse", "--st", "abc", "--out", d + "/o5", d + "/bad/ok.log"} << "--st: expected a number, found 'abc'";
        QTest::newRow("no --out") << QStringList{"parse", d + "/bad/ok.log"} << "expected --out DIR";
        QTest::newRow("unknown option") << QStringList{"parse", "--outt", "x", d + "/bad/ok.log"} << "--outt: unknown option";
        QTest::newRow("heads") << QStringList{"dataset", d + "/bad/bad.yaml"} << "bad.yaml:3: model.num_attention_heads: num_attention_heads (5) must divide hidden_size (256)";
        QTest::newRow("malformed yaml") << QStringList{"dataset", d + "/bad/malformed.yaml"} << "malformed.yaml:2: malformed YAML";
        QTest::newRow("wrong csv columns") << QStringList{"dataset", d + "/bad/nolabels.yaml"} << "labels.csv:1: expected a column named 'Label'; the header is 'Id,Status'";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command 'frobnicate'";
    }
    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        Result r = run(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(!r.err.contains("terminate called") && !r.err.contains("Aborted"), qPrintable(r.err));
        // No partial output: the --out folder of a failed parse does not exist.
        const int out = args.indexOf("--out");
        if (out >= 0) QVERIFY2(!QDir(args[out + 1]).exists(), qPrintable(args[out + 1]));
    }

    void failedParseKeepsAnExistingFolderUntouched() {
        const QString out = dir.filePath("existing");
        QDir().mkpath(out);
        writeFile(out, "keep.txt", "mine");
        Result r = run({"parse", "--out", out, dir.filePath("nope.log")});
        QCOMPARE(r.code, 2);
        QCOMPARE(QDir(out).entryList(QDir::Files), QStringList{"keep.txt"});
    }

    void infoNamesAnOptimizedBlas() {
        Result r = run({"info"});
        QCOMPARE(r.code, 0);
        QVERIFY2(QRegularExpression("LibTorch \\d+\\.\\d+").match(r.out).hasMatch() && r.out.contains("presets: full mid test"), qPrintable(r.out));
        // OpenBLAS is a required dependency: the reference BLAS would make training ~25x slower.
        QVERIFY2(r.out.contains("BLAS: ") && !r.out.contains("reference BLAS"), qPrintable(r.out));
    }

    void demoAndDataset() {
        const QString demo = dir.filePath("demo");
        Result r = run({"demo-data", demo, "--sessions", "300"});
        QCOMPARE(r.code, 0);
        QVERIFY(QFile::exists(demo + "/HDFS_demo.log") && QFile::exists(demo + "/anomaly_label.csv"));
        r = run({"dataset", demo + "/demo.yaml", "--set", "data.split.train_ratio=0.5"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("sessions 300 read, 300 kept"), qPrintable(r.out));
        QVERIFY2(r.out.contains("vocabulary"), qPrintable(r.out));
        QVERIFY2(QRegularExpression("train\\s+\\d+\\s+0\\s+0").match(r.out).hasMatch(), qPrintable(r.out));
    }

    void divergingLossFailsTheRunCleanly() {
        // Allowed settings whose loss really diverges: AdamW scales the weights by
        // 1 - 10 x 1 = -9 every step (nan at step 8 on this data). Before, such a run exited 1 and
        // left run.json saying "training".
        const QString demo = dir.filePath("demo-diverge");
        QCOMPARE(run({"demo-data", demo, "--sessions", "300"}).code, 0);
        const QStringList settings{"--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                                   "--set", "model.num_attention_heads=2", "--set", "training.num_epochs=3",
                                   "--set", "training.threads=1", "--set", "training.learning_rate=10",
                                   "--set", "training.weight_decay=1", "--set", "training.grad_clip=0"};
        const QString runDir = dir.filePath("runs/diverged");
        Result r = run(QStringList{"train", demo + "/demo.yaml", "--out", runDir, "--no-evaluate"} + settings);
        QCOMPARE(r.code, 2);
        const QString last = r.err.trimmed().split('\n').last();
        QVERIFY2(QRegularExpression("^logbert train: .*config\\.yaml: the loss became (nan|inf|-inf) at step \\d+; each "
                                    "step scales the weights by 1 - learning_rate x weight_decay = -9")
                     .match(last).hasMatch(),
                 qPrintable(r.err));
        QFile info(runDir + "/run.json");
        QVERIFY(info.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(info.readAll()).object();
        QCOMPARE(json["status"].toString(), QString("failed"));
        QVERIFY2(json["error"].toString().contains("the loss became"), qPrintable(json["error"].toString()));
        // The folder still reads as a run (metrics, config) and says why it failed when reused.
        QCOMPARE(run({"evaluate", runDir}).code, 2); // no model.pt yet: refused with a message, not a crash
        r = run(QStringList{"train", demo + "/demo.yaml", "--out", runDir, "--no-evaluate"} + settings);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("holds a run that failed (") && r.err.contains("choose another --out"), qPrintable(r.err));
        // With sane settings the next run trains.
        QStringList sane = settings;
        sane.replace(sane.indexOf("training.learning_rate=10"), "training.learning_rate=0.001");
        r = run(QStringList{"train", demo + "/demo.yaml", "--out", dir.filePath("runs/sane"), "--no-evaluate"} + sane);
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void trainEvaluateDetect() {
        const QString demo = dir.filePath("demo-train");
        QCOMPARE(run({"demo-data", demo, "--sessions", "600"}).code, 0);
        const QStringList tiny{"--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                               "--set", "model.num_attention_heads=2", "--set", "training.num_epochs=2",
                               "--set", "training.batch_size=32", "--set", "training.threads=1"};
        const QString runDir = dir.filePath("runs/tiny");
        Result r = run(QStringList{"train", demo + "/demo.yaml", "--out", runDir} + tiny);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("epoch 2/2") && r.err.contains("device cpu"), qPrintable(r.err));
        QVERIFY2(r.out.contains("LogBERT") && r.out.contains("Unseen key set") && r.out.contains("Next key"), qPrintable(r.out));

        // The same run folder again: refused, pointing at --resume.
        r = run(QStringList{"train", demo + "/demo.yaml", "--out", runDir} + tiny);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("already holds a run; use --resume"), qPrintable(r.err));

        r = run({"evaluate", runDir, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject json = QJsonDocument::fromJson(r.out.toUtf8()).object();
        for (const QJsonObject& o : {json["logbert"].toObject(), json["baselines"]["unseen_key"].toObject(),
                                     json["baselines"]["unseen_key_set"].toObject(), json["baselines"]["next_key"].toObject()})
            for (const char* k : {"tp", "fp", "fn", "tn", "precision", "recall", "f1", "fpr"})
                QVERIFY2(o.contains(k), k);
        const int anomalies = json["split"]["test_anomaly"].toInt();
        QCOMPARE(json["logbert"]["tp"].toInt() + json["logbert"]["fn"].toInt(), anomalies);

        // Detection on the raw log: flagged sessions with their raw line numbers.
        r = run({"detect", runDir, demo + "/HDFS_demo.log"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("600 sessions"), qPrintable(r.err));
        QVERIFY2(QRegularExpression("HDFS_demo.log:\\d+").match(r.out).hasMatch(), qPrintable(r.out.left(500)));
        r = run({"detect", runDir, demo + "/HDFS_demo.log", "--out", dir.filePath("flagged.csv")});
        QCOMPARE(r.code, 0);
        QVERIFY(QFile::exists(dir.filePath("flagged.csv")));

        // Bad input for the model commands: one line, exit code 2.
        r = run(QStringList{"train", demo + "/demo.yaml", "--out", dir.filePath("runs/big"), "--set", "training.batch_size=100000"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("training.batch_size: 100000 is larger than the"), qPrintable(r.err));
        QVERIFY(!QDir(dir.filePath("runs/big")).exists());
        r = run({"evaluate", dir.filePath("runs/none")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("no such run folder"), qPrintable(r.err));
        r = run({"train", "--resume", dir.filePath("demo-train")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("not a run folder"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
