// SPDX-License-Identifier: GPL-3.0-or-later
// The malformed-input table of docs/reliability.md, one row per case. CLI: exit code 2 and one
// line naming the file (and line) and what was expected; no partial output. GUI: the message
// appears in the page and the application keeps running.
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QPushButton>
#include <QLineEdit>
#include <QTableWidget>
#include <QtTest>
#include <sys/stat.h>

#include "engine/demo/demo_generator.h"
#include "test_support.h"
#include "ui/datasets_page.h"
#include "ui/main_window.h"
#include "widgets/histogram_chart.h"
#include "ui/run_page.h"

using testsupport::writeFile;

namespace {

using Result = testsupport::CliResult;
Result run(const QStringList& args) { return testsupport::runCli(args); }
std::string gzipped(const std::string& text) { return testsupport::gzipBytes(text); }

std::string hdfsLines(int n, int firstBlock = 1) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s += "081109 2035" + std::to_string(10 + i % 50) + " 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_" +
             std::to_string(firstBlock + i % 7) + " src: /10.0.0.1:5 dest: /10.0.0.2:50010\n";
    return s;
}

std::string deeplogSessions(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "5 5 5 22 11 9 11 9 26 26 26 23 23 23 21 21 21\n";
    return s;
}

QString dataYaml(const QString& dir, const std::string& name, const std::string& inputs, const std::string& extra = "") {
    return QString::fromStdString(writeFile(dir, name, "data:\n  inputs:\n" + inputs + extra));
}

} // namespace

class TestMalformedInputs : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void cli_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString d = dir.path();
        const std::string ds = d.toStdString();
        auto path = [&](const std::string& name, const std::string& content) {
            return QString::fromStdString(writeFile(d, name, content));
        };
        int outs = 0; // a fresh output folder per row
        auto out = [&] { return d + "/out" + QString::number(++outs); };

        // Files.
        QTest::newRow("empty file") << QStringList{"parse", "--out", out(), path("empty.log", "")}
                                    << "empty.log: file is empty";
        QTest::newRow("binary file") << QStringList{"parse", "--out", out(), path("binary.log", std::string("\x7f" "ELF\x02\x01\x01\x00\x00", 9) + std::string(200, '\x01'))}
                                     << "binary.log: looks like a binary file (NUL byte at offset 7); expected a text log";
        QTest::newRow("line over 64 MB") << QStringList{"parse", "--out", out(), path("huge.log", "short line\n" + std::string(65u << 20, 'a'))}
                                         << "huge.log:2: line is longer than 64 MiB";
        const std::string gz = gzipped(hdfsLines(5000));
        QTest::newRow("truncated gzip") << QStringList{"parse", "--out", out(), path("cut.log.gz", gz.substr(0, gz.size() * 2 / 3))}
                                        << "cut.log.gz:";
        QTest::newRow("truncated gzip (message)") << QStringList{"parse", "--out", out(), d + "/cut.log.gz"}
                                                  << "gzip stream is truncated or corrupt";

        // CSV columns.
        path("ok/HDFS.log", hdfsLines(20));
        path("ok/wrong_columns.csv", "Id,Status\nblk_1,Normal\n");
        QTest::newRow("label CSV without Label column")
            << QStringList{"dataset", dataYaml(d, "labels_cols.yaml", "    - " + ds + "/ok/HDFS.log\n", "  labels: {source: file, path: ok/wrong_columns.csv}\n")}
            << "wrong_columns.csv:1: expected a column named 'Label'; the header is 'Id,Status'";
        path("seq_cols.csv", "Keys,label\n\"[5, 5]\",0\n");
        QTest::newRow("sequence CSV without Sequence column")
            << QStringList{"dataset", dataYaml(d, "seq_cols.yaml", "    - {path: " + ds + "/seq_cols.csv, kind: sequence_csv}\n")}
            << "seq_cols.csv:1: expected a column named 'Sequence'";
        path("structured_cols.csv", "LineId,Content,Template\n1,a,b\n");
        QTest::newRow("structured CSV without EventId column")
            << QStringList{"dataset", dataYaml(d, "structured_cols.yaml", "    - {path: " + ds + "/structured_cols.csv, kind: structured_csv}\n")}
            << "structured_cols.csv:1: expected a column named 'EventId'";
        path("seq_bad_row.csv", "Sequence,label\n\"[5, 5]\",0\n\"[5, x]\",1\n");
        QTest::newRow("sequence CSV with a bad key")
            << QStringList{"dataset", dataYaml(d, "seq_row.yaml", "    - {path: " + ds + "/seq_bad_row.csv, kind: sequence_csv}\n")}
            << "seq_bad_row.csv:3: Sequence: expected integer log keys, found 'x'";
        path("deeplog_bad", "5 5 22\n5 five 22\n");
        QTest::newRow("DeepLog file with a bad key")
            << QStringList{"dataset", dataYaml(d, "deeplog_bad.yaml", "    - {path: " + ds + "/deeplog_bad, kind: deeplog, label: normal}\n")}
            << "deeplog_bad:2: expected space-separated integer log keys, found 'five'";

        // Labels.
        path("other_labels.csv", "BlockId,Label\nblk_900,Normal\nblk_901,Anomaly\n");
        QTest::newRow("labels only for sessions that do not exist")
            << QStringList{"dataset", dataYaml(d, "other_labels.yaml", "    - " + ds + "/ok/HDFS.log\n", "  labels: {source: file, path: other_labels.csv}\n")}
            << "other_labels.csv: none of its 2 rows names a session in the logs (e.g. blk_900)";

        // YAML.
        QTest::newRow("YAML wrong type") << QStringList{"dataset", path("type.yaml", "model:\n  hidden_size: big\n")}
                                         << "type.yaml:2: model.hidden_size: expected an integer, found 'big'";
        QTest::newRow("YAML unknown key") << QStringList{"dataset", path("unknown.yaml", "model:\n  hiden_size: 64\n")}
                                          << "unknown.yaml:2: unknown key 'model.hiden_size' (did you mean 'model.hidden_size'?)";
        QTest::newRow("heads do not divide hidden size")
            << QStringList{"dataset", path("heads.yaml", "model:\n  hidden_size: 256\n  num_attention_heads: 5\n")}
            << "heads.yaml:3: model.num_attention_heads: num_attention_heads (5) must divide hidden_size (256)";
        QTest::newRow("sample_ratio 0") << QStringList{"dataset", path("ratio0.yaml", "data:\n  sample_ratio: 0\n")}
                                        << "ratio0.yaml:2: data.sample_ratio:";
        QTest::newRow("sample_ratio above 1") << QStringList{"dataset", path("ratio2.yaml", "data:\n  sample_ratio: 1.5\n")}
                                              << "ratio2.yaml:2: data.sample_ratio:";
        QTest::newRow("malformed YAML") << QStringList{"dataset", path("malformed.yaml", "data: [\n")}
                                        << "malformed.yaml:2: malformed YAML";
        QTest::newRow("--set wrong type") << QStringList{"dataset", d + "/heads.yaml", "--set", "training.batch_size=eight"}
                                          << "--set training.batch_size=eight: training.batch_size: expected an integer, found 'eight'";

        // Bounded YAML and config files that are not regular files (issue 13, classes 1 and 2).
        QTest::newRow("YAML alias inside itself") << QStringList{"dataset", path("self_alias.yaml", "preset: test\na: &x [*x]\n")}
                                                  << "self_alias.yaml:2: YAML nested deeper than 64 levels";
        std::string laughs = "preset: test\nl0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 9; ++i) {
            laughs += "l" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
            for (int k = 0; k < 10; ++k) laughs += (k ? ", *a" : "*a") + std::to_string(i - 1);
            laughs += "]\n";
        }
        QTest::newRow("YAML billion laughs") << QStringList{"dataset", path("laughs.yaml", laughs)}
                                             << "laughs.yaml:2: more than 100000 YAML values once its aliases";
        QTest::newRow("--set alias inside itself") << QStringList{"dataset", d + "/heads.yaml", "--set", "training.seed=&x [*x]"}
                                                   << "--set training.seed=&x [*x]: YAML nested deeper than 64 levels";
        QTest::newRow("/dev/zero as YAML") << QStringList{"dataset", "/dev/zero"}
                                           << "/dev/zero: is not a regular file (a FIFO, socket or device); expected a YAML file";
        ::mkfifo((ds + "/fifo.yaml").c_str(), 0600);
        QTest::newRow("FIFO as YAML") << QStringList{"dataset", d + "/fifo.yaml"}
                                      << "fifo.yaml: is not a regular file";

        // Datasets a model cannot train on.
        path("anomalies_only", deeplogSessions(40));
        QTest::newRow("no normal sessions")
            << QStringList{"train", dataYaml(d, "anomalies.yaml", "    - {path: " + ds + "/anomalies_only, kind: deeplog, label: anomaly}\n", "  sample_ratio: 1\n"), "--out", d + "/runs/anomalies"}
            << "no normal sessions to train on";
        path("three", deeplogSessions(3));
        QTest::newRow("dataset smaller than one batch")
            << QStringList{"train", dataYaml(d, "three.yaml", "    - {path: " + ds + "/three, kind: deeplog, label: normal}\n"), "--out", d + "/runs/three"}
            << "training.batch_size: 8 is larger than the";
    }

    void cli() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Result r = run(args);
        QVERIFY2(r.code == 2, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        // One line: the message, nothing else (no usage dump, no stack trace).
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.size() < 600, qPrintable(r.err.left(600)));
        // Nothing partial on disk: no output folder, no run folder.
        for (const QString& flag : {"--out"}) {
            const int i = args.indexOf(flag);
            if (i >= 0) QVERIFY2(!QDir(args[i + 1]).exists(), qPrintable(args[i + 1]));
        }
    }

    // A 10 MB line is data, not an error: it is read, reported as unmatched, and shown cut short.
    void tenMegabyteLine() {
        const QString log = QString::fromStdString(
            writeFile(dir.path(), "ten/HDFS.log", hdfsLines(10) + std::string(10u << 20, 'x') + "\n" + hdfsLines(10, 20)));
        const Result r = run({"parse", "--out", dir.filePath("ten-out"), log});
        QVERIFY2(r.code == 0, qPrintable(r.err.left(600)));
        QVERIFY2(r.out.contains("lines read 21, lines matched 20, unmatched 1"), qPrintable(r.out.left(600)));
        QVERIFY2(r.out.size() + r.err.size() < 20000, "the unmatched example is printed in full");
    }

    // Labels that miss some sessions, or name others: warnings, and the unlabelled sessions are left out.
    void partialLabelsWarn() {
        const QString d = dir.path();
        writeFile(d, "partial/HDFS.log", hdfsLines(30));
        writeFile(d, "partial/labels.csv", "BlockId,Label\nblk_1,Normal\nblk_2,Anomaly\nblk_77,Normal\n");
        const Result r = run({"dataset", dataYaml(d, "partial.yaml", "    - " + d.toStdString() + "/partial/HDFS.log\n",
                                                  "  labels: {source: file, path: partial/labels.csv}\n")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("5 sessions are not in") || r.out.contains("5 sessions are not in"), qPrintable(r.out + r.err));
        QVERIFY2((r.out + r.err).contains("1 rows of"), qPrintable(r.out + r.err));
    }

    // A checkpoint or model file of another model size: refused by name and shape, the run
    // folder left as it was.
    void checkpointFromAnotherModelSize() {
        const QString demo = dir.filePath("demo");
        QCOMPARE(run({"demo-data", demo, "--sessions", "300"}).code, 0);
        auto train = [&](const QString& out, int hidden) {
            return run({"train", demo + "/demo.yaml", "--out", out, "--no-evaluate", "--set", QString("model.hidden_size=%1").arg(hidden),
                        "--set", "model.num_hidden_layers=1", "--set", "model.num_attention_heads=2", "--set",
                        "training.num_epochs=1", "--set", "training.batch_size=32", "--set", "training.threads=1"});
        };
        const QString small = dir.filePath("runs/h16"), large = dir.filePath("runs/h32");
        QCOMPARE(train(small, 16).code, 0);
        QCOMPARE(train(large, 32).code, 0);
        QVERIFY(QFile::remove(small + "/checkpoint.pt"));
        QVERIFY(QFile::copy(large + "/checkpoint.pt", small + "/checkpoint.pt"));
        QFile config(small + "/config.yaml");
        QVERIFY(config.open(QIODevice::ReadOnly));
        const QByteArray configBefore = config.readAll();
        config.close();

        Result r = run({"train", "--resume", small});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("checkpoint.pt:") && r.err.contains("has shape [") && r.err.contains("the model needs ["),
                 qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(config.readAll(), configBefore);

        QVERIFY(QFile::remove(small + "/model.pt"));
        QVERIFY(QFile::copy(large + "/model.pt", small + "/model.pt"));
        r = run({"evaluate", small});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("model.pt:") && r.err.contains("has shape ["), qPrintable(r.err));
        // One flipped byte in a checkpoint: refused before LibTorch reads it (found by fuzz_checkpoint:
        // LibTorch's TorchScript parser can crash on a damaged archive).
        QFile::remove(small + "/checkpoint.pt");
        QVERIFY(QFile::copy(large + "/checkpoint.pt", small + "/checkpoint.pt"));
        {
            QFile f(small + "/checkpoint.pt");
            QVERIFY(f.open(QIODevice::ReadWrite));
            QByteArray bytes = f.readAll();
            bytes[bytes.size() / 3] = char(bytes[bytes.size() / 3] ^ 0x20);
            f.seek(0);
            f.write(bytes);
        }
        r = run({"train", "--resume", small});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("checkpoint.pt: is not an intact LogBERT archive: entry '") &&
                     r.err.contains("does not match its CRC-32 (the file is damaged)"), qPrintable(r.err));
        // Garbage where the checkpoint should be.
        writeFile(small, "checkpoint.pt", "PK\x03\x04 not really a zip");
        r = run({"train", "--resume", small});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("checkpoint.pt: is not an intact LogBERT archive"), qPrintable(r.err));

        // State files that are not files (issue 13, class 2): a FIFO blocked the reader forever.
        // Each is refused at once, named, with exit 2; the CLI is given 60 s, not forever.
        const struct {
            const char* file;
            QStringList args;
        } fifos[] = {{"checkpoint.pt", {"train", "--resume", large}},
                     {"model.pt", {"evaluate", large}},
                     {"vocabulary.txt", {"evaluate", large}}};
        for (const auto& f : fifos) {
            const QString path = large + "/" + f.file;
            QVERIFY(QFile::rename(path, path + ".saved"));
            QCOMPARE(::mkfifo(path.toLocal8Bit().constData(), 0600), 0);
            r = testsupport::runCli(f.args, 60000);
            QFile::remove(path);
            QVERIFY(QFile::rename(path + ".saved", path));
            QVERIFY2(r.code == 2, qPrintable(QString("%1: exit %2: %3").arg(f.file).arg(r.code).arg(r.err)));
            QVERIFY2(r.err.contains(QString(f.file) + ": is not a regular file (a FIFO, socket or device)"), qPrintable(r.err));
        }
    }

    // The GUI shows the same messages in the page and goes on.
    void guiShowsMessages() {
        const QString d = dir.path();
        logbert::gui::DatasetsPage page(dir.filePath("workspace"));
        auto errorText = [&](QWidget* w) {
            QString all;
            for (auto* l : w->findChildren<QLabel*>()) all += l->text() + "\n";
            return all;
        };
        page.addInputs({d + "/empty.log"});
        QSignalSpy loaded(&page, &logbert::gui::DatasetsPage::loaded);
        page.load();
        QTRY_VERIFY_WITH_TIMEOUT(errorText(&page).contains("empty.log: file is empty"), 10000);
        QCOMPARE(loaded.count(), 0);

        // A truncated gzip: the load fails with the line, and the page loads good data after it.
        logbert::gui::DatasetsPage second(dir.filePath("workspace"));
        second.addInputs({d + "/cut.log.gz"});
        second.load();
        QTRY_VERIFY_WITH_TIMEOUT(errorText(&second).contains("gzip stream is truncated or corrupt"), 10000);
        const auto demo = logbert::writeDemoDataset(dir.filePath("gui-demo").toStdString(), logbert::DemoOptions{4, 200, 0.05});
        logbert::gui::DatasetsPage third(dir.filePath("workspace"));
        third.addInputs({QString::fromStdString(demo.logPath)});
        QSignalSpy thirdLoaded(&third, &logbert::gui::DatasetsPage::loaded);
        third.load();
        QTRY_COMPARE_WITH_TIMEOUT(thirdLoaded.count(), 1, 30000);
        QVERIFY(third.templatesTable()->rowCount() > 0 && third.histogram()->barSets() == 2);
        // Then a bad input: the error shows and the good data's figures go with it.
        for (auto* b : third.findChildren<QPushButton*>())
            if (b->text() == "Clear") b->click();
        third.addInputs({d + "/empty.log"});
        third.load();
        QTRY_VERIFY_WITH_TIMEOUT(errorText(&third).contains("empty.log: file is empty"), 10000);
        QCOMPARE(third.templatesTable()->rowCount(), 0);
        QCOMPARE(third.histogram()->barSets(), 0);
        QVERIFY(!third.dataset());
        // A form value the engine refuses names the field, not the generated NAME.data.yaml.
        for (auto* b : third.findChildren<QPushButton*>())
            if (b->text() == "Clear") b->click();
        third.addInputs({QString::fromStdString(demo.logPath)});
        auto* pattern = third.findChild<QLineEdit*>("sessionPattern");
        QVERIFY(pattern);
        pattern->setText("(unclosed");
        third.load();
        QTRY_VERIFY_WITH_TIMEOUT(errorText(&third).contains("Session pattern:"), 5000);
        QVERIFY2(!errorText(&third).contains(".data.yaml"), qPrintable(errorText(&third)));
        pattern->clear();

        // A bad data file opened in the window shows on the Run page, with its file and line.
        {
            logbert::gui::MainWindow window(dir.filePath("workspace"));
            window.showDataFile(d + "/ratio0.yaml");
            QCOMPARE(window.currentPage(), QString("Run"));
            QVERIFY2(window.runPage()->formError().contains("ratio0.yaml:"), qPrintable(window.runPage()->formError()));
        }

        // Training on a dataset without normal sessions: the Run page says why, nothing is left.
        logbert::gui::RunPage run(dir.filePath("workspace"));
        run.setDataFile(d + "/anomalies.yaml");
        run.start();
        QTRY_VERIFY2_WITH_TIMEOUT(errorText(&run).contains("no normal sessions to train on"), qPrintable(errorText(&run)), 30000);
        QVERIFY(!run.runner()->isRunning());
        // Bad YAML in the Run page: inline, before anything runs.
        run.setDataFile(d + "/ratio0.yaml");
        QTRY_VERIFY_WITH_TIMEOUT(errorText(&run).contains("sample_ratio"), 5000);
        // A model larger than memory (issue 13): refused with the estimate, nothing runs.
        const QString huge = QString::fromStdString(testsupport::writeFile(
            d, "huge.yaml", "preset: test\ndata:\n  name: demo\n  inputs: [{path: " + demo.logPath +
                                "}]\n  format: hdfs\n  labels: {source: file, path: " + demo.labelPath +
                                "}\nmodel: {hidden_size: 8192, num_hidden_layers: 64, num_attention_heads: 64}\n"));
        run.setDataFile(huge);
        run.start();
        QTRY_VERIFY2_WITH_TIMEOUT(errorText(&run).contains("training this model needs about 768 GiB"), qPrintable(errorText(&run)), 30000);
        QVERIFY(!run.runner()->isRunning());
    }
};

QTEST_MAIN(TestMalformedInputs)
#include "test_malformed_inputs.moc"
