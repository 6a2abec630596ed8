// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 13, classes 3, 4, 9, 10 and 11: inputs that used to exhaust time or memory are refused
// (or handled) within a time bound, Ctrl-C at any moment leaves nothing behind, settings that
// used to be accepted silently are refused, and every CLI command under `ulimit -v` 2 GiB
// either works or exits 2 with one line — never LibTorch's raw text.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/config/run_config.h"
#include "engine/demo/demo_generator.h"
#include "engine/io/atomic_file.h"
#include "engine/io/created_directory.h"
#include "engine/io/exit_cleanup.h"
#include "engine/model/model_memory.h"
#include "test_support.h"

using namespace logbert;
using testsupport::CliResult;
using testsupport::runCli;

namespace {

/// Exit 2 and one line on stderr holding `text`.
#define QVERIFY_REFUSED(result, text)                                                                       \
    do {                                                                                                   \
        const CliResult refused_ = (result); /* once: the argument may be the command itself */             \
        QVERIFY2(refused_.code == 2, qPrintable(QString("exit %1: %2").arg(refused_.code).arg(refused_.err))); \
        QVERIFY2(refused_.err.contains(text), qPrintable(refused_.err));                                   \
        QCOMPARE(refused_.err.trimmed().count('\n'), 0);                                                  \
    } while (0)

/// The CLI under an address-space limit (bash's ulimit -v, in KiB).
CliResult runLimited(const QStringList& args, long kib, int timeoutMs = 300000) {
    const QString command = QString("ulimit -v %1 && exec \"$0\" \"$@\"").arg(kib);
    return testsupport::runProgram("bash", QStringList{"-c", command, LOGBERT_CLI_PATH} + args, timeoutMs);
}

/// SIGINT to a child still running (never to pid 0: that is this test's own process group).
void interrupt(QProcess& p) {
    const qint64 pid = p.processId();
    if (p.state() == QProcess::Running && pid > 0) ::kill(pid_t(pid), SIGINT);
}

/// Files whose name only the program's temporary files have, anywhere under `dir`.
QStringList temporaryFiles(const QString& dir) {
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        if (f.contains(".logbert-tmp-")) found << f;
    }
    return found;
}

const QStringList kTinyModel = {"--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                                "--set", "model.num_attention_heads=2", "--set", "training.num_epochs=1",
                                "--set", "training.batch_size=16", "--quiet"};

} // namespace

class TestResourceLimits : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;

    QString path(const QString& name) const { return dir.filePath(name); }
    QString write(const QString& name, const std::string& content) const {
        return QString::fromStdString(testsupport::writeFile(dir.path(), name.toStdString(), content));
    }
    QString dataYaml(const QString& name, const QString& log, const QString& labels = {}) const {
        std::string text = "data:\n  name: probe\n  inputs:\n    - path: " + log.toStdString() + "\n  format: hdfs\n";
        text += labels.isEmpty() ? "  labels: {source: none}\n" : "  labels: {source: file, path: " + labels.toStdString() + "}\n";
        return write(name, text);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir.isValid());
        demo = writeDemoDataset(path("demo").toStdString(), DemoOptions{5, 600, 0.05});
    }

    // Class 3: a format of thousands of fields hung; it is refused at once.
    void formatWithThousandsOfFields() {
        QString format;
        for (int i = 0; i < 5000; ++i) format += QString("<F%1> ").arg(i);
        format += "<Content>";
        const auto r = runCli({"parse", "--format", format, "--out", path("fields-out"), QString::fromStdString(demo.logPath)}, 30000);
        QVERIFY_REFUSED(r, "more than 256 <Field> placeholders");
        QVERIFY(r.err.size() < 400); // the format is quoted cut short
        QVERIFY(!QFile::exists(path("fields-out")));
    }

    // Class 3: one line naming 300,000 block ids took 77 s (a list searched per id).
    void lineNamingManyIds() {
        std::string line = "081109 203615 148 INFO dfs.DataNode: ";
        for (int i = 0; i < 300000; ++i) line += "blk_" + std::to_string(i) + ' ';
        const QString log = write("ids.log", line + "\n081109 203616 148 INFO dfs.DataNode: done blk_1\n");
        const auto r = runCli({"dataset", "--preset", "test", "--data", dataYaml("ids.yaml", log),
                               "--set", "data.sample_ratio=1"}, 30000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("sessions 300001 read") || r.out.contains("sessions 300000 read"), qPrintable(r.out.left(600)));
    }

    // Class 4: an 86 G-parameter model passed validation and grew until killed; it is refused
    // before any data is read, with the estimate and the way out.
    void modelLargerThanMemory() {
        const QString run = path("huge-run");
        const auto r = runCli({"train", QString::fromStdString(demo.configPath), "--set", "model.hidden_size=8192", "--set", "model.num_hidden_layers=64",
                               "--set", "model.num_attention_heads=64", "--out", run}, 30000);
        QVERIFY_REFUSED(r, "model.hidden_size: training this model needs about 768 GiB (51546439680 parameters");
        QVERIFY(r.err.contains("training.memory_check: off"));
        QVERIFY(!QFile::exists(run));
    }

    // The estimate's parameter count is the built model's (the CLI prints the model's own).
    void parameterCountMatchesTheModel_data() {
        QTest::addColumn<int>("hidden");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("intermediate");
        QTest::newRow("32/1/2") << 32 << 1 << 2 << 0;
        QTest::newRow("48/3/4, ff 100") << 48 << 3 << 4 << 100;
    }
    void parameterCountMatchesTheModel() {
        QFETCH(int, hidden);
        QFETCH(int, layers);
        QFETCH(int, heads);
        QFETCH(int, intermediate);
        const QString run = path(QString("count-%1-%2").arg(hidden).arg(layers));
        const auto r = runCli({"train", QString::fromStdString(demo.configPath), "--out", run, "--no-evaluate",
                               "--set", QString("model.hidden_size=%1").arg(hidden), "--set", QString("model.num_hidden_layers=%1").arg(layers),
                               "--set", QString("model.num_attention_heads=%1").arg(heads),
                               "--set", QString("model.intermediate_size=%1").arg(intermediate), "--set", "training.num_epochs=1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto m = QRegularExpression("(\\d+) parameters, vocabulary (\\d+)").match(r.out + r.err);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));
        ModelConfig model;
        model.hiddenSize = hidden, model.numHiddenLayers = layers, model.numAttentionHeads = heads;
        model.intermediateSize = intermediate;
        QCOMPARE(modelParameterCount(model, m.captured(2).toLongLong()), m.captured(1).toLongLong());
    }

    // Every command under a 2 GiB address-space limit works or exits 2 with one line; a model
    // that does not fit is refused with the estimate, and with the check off the allocation
    // failure is one "out of memory" line (was LibTorch's "enforce fail" text, exit 1).
    void everyCommandUnderTwoGibibytes() {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
        QSKIP("ASan reserves terabytes of address space for its shadow memory: no ulimit -v applies");
#endif
#endif
        const long kib = 2L << 20;
        const QString config = QString::fromStdString(demo.configPath), log = QString::fromStdString(demo.logPath);
        const QString run = path("limited-run");
        const struct {
            const char* what;
            QStringList args;
            int code;
            const char* expect;
        } cases[] = {
            {"info", {"info"}, 0, ""},
            {"demo-data", {"demo-data", path("limited-demo"), "--sessions", "200"}, 0, ""},
            {"parse", {"parse", "--out", path("limited-parse"), log}, 0, ""},
            {"dataset", {"dataset", config}, 0, ""},
            {"train", QStringList{"train", config, "--out", run} + kTinyModel, 0, ""},
            {"evaluate", {"evaluate", run}, 0, ""},
            {"detect", {"detect", run, log, "--out", path("limited-flagged.csv")}, 0, ""},
            {"train, model over the limit", {"train", config, "--out", path("limited-big"), "--set", "model.hidden_size=2048",
                                             "--set", "model.num_hidden_layers=8", "--set", "model.num_attention_heads=8"},
             2, "more than this process's address-space limit (ulimit -v)"},
            {"train, check off", {"train", config, "--out", path("limited-off"), "--set", "model.hidden_size=2048",
                                  "--set", "model.num_hidden_layers=8", "--set", "model.num_attention_heads=8",
                                  "--set", "training.memory_check=off"},
             2, "out of memory"},
        };
        for (const auto& c : cases) {
            const auto r = runLimited(c.args, kib);
            const QString context = QString("%1: exit %2: %3").arg(c.what).arg(r.code).arg(r.err.left(600));
            // "Works or exits 2 with a message": on a machine with many cores the thread pools and
            // malloc arenas alone may reserve gigabytes of address space.
            const bool refusedCleanly = r.code == 2 && r.err.contains("out of memory") && r.err.trimmed().count('\n') == 0;
            if (c.code == 0 && refusedCleanly) qWarning("%s", qPrintable("under ulimit -v: " + context));
            QVERIFY2(r.code == c.code || (c.code == 0 && refusedCleanly), qPrintable(context));
            QVERIFY2(!r.err.contains("enforce fail") && !r.err.contains("Exception raised from"), qPrintable(context));
            if (c.code == 2) {
                QVERIFY2(r.err.contains(c.expect), qPrintable(context));
                QCOMPARE(r.err.trimmed().count('\n'), 0);
            }
        }
        QVERIFY(!QFile::exists(path("limited-big")));
        QVERIFY(!QFile::exists(path("limited-off")));
    }

    // Class 9: Ctrl-C twice at any moment of parse (reading or writing) leaves no temporary
    // file and no output folder; once at any moment of demo-data, no folder.
    void interruptsLeaveNothing() {
        const DemoSummary big = writeDemoDataset(path("big").toStdString(), DemoOptions{9, 40000, 0.03});
        for (int delayMs : {300, 600, 900, 1200, 1500, 1800}) {
            const QString out = path(QString("interrupted-%1").arg(delayMs));
            QProcess p;
            p.start(LOGBERT_CLI_PATH, {"parse", "--out", out, QString::fromStdString(big.logPath)});
            QVERIFY(p.waitForStarted());
            QTest::qWait(delayMs);
            interrupt(p);
            QTest::qWait(5);
            interrupt(p); // the second stops it at once, however far the first one got
            QVERIFY(p.state() == QProcess::NotRunning || p.waitForFinished(60000));
            if (p.exitStatus() == QProcess::CrashExit) { // interrupted while LibTorch loaded, before main()
                QVERIFY(!QFile::exists(out));
            } else if (p.exitCode() == 0) { // it finished first: then its outputs are whole
                QVERIFY(QFile::exists(out + "/structured.csv"));
            } else {
                QVERIFY2(p.exitCode() == 130, qPrintable(QString("exit %1 after %2 ms: %3").arg(p.exitCode()).arg(delayMs)
                                                             .arg(QString::fromUtf8(p.readAllStandardError()))));
                // Nothing, or (the signals came after the outputs were in place) both outputs whole.
                if (QFile::exists(out)) {
                    QFile structured(out + "/structured.csv");
                    QVERIFY2(QFile::exists(out + "/templates.csv") && structured.open(QIODevice::ReadOnly),
                             qPrintable(QString("after %1 ms: a partial output folder").arg(delayMs)));
                    QCOMPARE(std::size_t(structured.readAll().count('\n')), big.lines + 1);
                }
            }
            QVERIFY2(temporaryFiles(dir.path()).isEmpty(), qPrintable(temporaryFiles(dir.path()).join(", ")));
        }
        QProcess demoData;
        const QString demoOut = path("interrupted-demo");
        demoData.start(LOGBERT_CLI_PATH, {"demo-data", demoOut, "--sessions", "3000000"});
        QVERIFY(demoData.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(demoOut), 20000); // writing has begun
        QTest::qWait(200);
        interrupt(demoData);
        QVERIFY(demoData.state() == QProcess::NotRunning || demoData.waitForFinished(60000));
        QCOMPARE(demoData.exitCode(), 130);
        QVERIFY(!QFile::exists(demoOut));
        QVERIFY(temporaryFiles(dir.path()).isEmpty());
    }

    // What a second Ctrl-C leaves to ExitCleanup: the temporary file of a write in progress and
    // the folder the command created are gone after a hard exit.
    void hardExitRemovesWritesInProgress() {
        const QString base = path("hard-exit");
        const pid_t child = ::fork();
        if (child == 0) {
            CreatedDirectory out(base.toStdString());
            AtomicFile f((base + "/structured.csv").toStdString());
            f.stream() << std::string(1 << 20, 'x');
            f.stream().flush();
            ExitCleanup::removeRegisteredPaths();
            std::_Exit(130);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QCOMPARE(WEXITSTATUS(status), 130);
        QVERIFY(!QFile::exists(base));
    }

    // Class 10: what was accepted silently is refused with the line.
    void silentAcceptanceIsRefused() {
        const QString data = QString::fromStdString(demo.configPath);
        const QString dup = write("dup.yaml", "preset: test\npreset: mid\n");
        QVERIFY_REFUSED(runCli({"dataset", dup}), "dup.yaml:2: the key 'preset' appears twice in one mapping");
        const QString dupData = write("dupdata.yaml", "data:\n  name: a\n  name: b\n");
        QVERIFY_REFUSED(runCli({"dataset", "--preset", "test", "--data", dupData}), "dupdata.yaml:3: the key 'name' appears twice");
        const QString twoDocs = write("twodocs.yaml", "preset: test\n---\npreset: mid\n");
        QVERIFY_REFUSED(runCli({"dataset", twoDocs}), "twodocs.yaml:2: a second YAML document");
        QVERIFY_REFUSED(runCli({"dataset", data, "--set", "preset=mid"}), "--set preset=mid: the preset is chosen before");
        std::string cr = "BlockId,Label\r";
        for (int i = 0; i < 20000; ++i) cr += "blk_" + std::to_string(i) + ",Normal\r";
        const QString crLabels = write("cr.csv", cr);
        const auto r = runCli({"dataset", "--preset", "test", "--data", dataYaml("cr.yaml", QString::fromStdString(demo.logPath), crLabels)});
        QVERIFY_REFUSED(r, "cr.csv:1: its lines end in a carriage return alone");
        QVERIFY(r.err.size() < 400);
        // A block listed twice with opposite labels (the last won: 3,875 HDFS anomalies, not 125).
        QFile labels(QString::fromStdString(demo.labelPath));
        QVERIFY(labels.open(QIODevice::ReadOnly));
        const QByteArray labelText = labels.readAll();
        const QList<QByteArray> firstRow = labelText.split('\n').at(1).split(',');
        const QByteArray flipped = firstRow.at(0) + "," + (firstRow.at(1).startsWith("Normal") ? "Anomaly" : "Normal") + "\n";
        const QString twice = write("twice.csv", (labelText + flipped).toStdString());
        const int lastLine = int(labelText.count('\n')) + 1;
        QVERIFY_REFUSED(runCli({"dataset", "--preset", "test", "--data", dataYaml("twice.yaml", QString::fromStdString(demo.logPath), twice)}),
                        QString("twice.csv:%1: %2 is labelled").arg(lastLine).arg(QString::fromUtf8(firstRow.at(0))));
        // A mask or a session pattern that can match empty text (at a word boundary, x*).
        QVERIFY_REFUSED(runCli({"parse", "--mask", "\\b", "--out", path("empty-mask"), QString::fromStdString(demo.logPath)}),
                        "mask '\\b': can match the empty string (it does in 'a')");
        QVERIFY(!QFile::exists(path("empty-mask")));
        QVERIFY_REFUSED(runCli({"dataset", data, "--set", "data.session.pattern=blk_\\d+|x*"}),
                        "data.session.pattern: can match the empty string (it does in an empty line)");
    }

    // Class 10, warned: text that is read as it is, but not what it seems.
    void readerWarnsAboutTextItAccepted() {
        QFile source(QString::fromStdString(demo.logPath));
        QVERIFY(source.open(QIODevice::ReadOnly));
        const QByteArray log = source.read(40000);
        const QString nul = write("nul.log", (log.left(20000) + QByteArray("081109 203615 148 INFO dfs.DataNode: a \0 byte\n", 46) +
                                               log.mid(20000)).toStdString());
        auto r = runCli({"parse", "--out", path("nul-out"), nul});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(QRegularExpression("nul\\.log:\\d+: NUL bytes from this line on").match(r.err).hasMatch(), qPrintable(r.err));
        QByteArray cr = log;
        cr.replace('\n', '\r');
        r = runCli({"parse", "--out", path("cr-out"), write("cr.log", cr.toStdString())});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("cr.log:1: the first line holds carriage returns"), qPrintable(r.err));
    }

    // Class 11: messages name the problem and never quote a file that is not a config.
    void messagesSayWhatIsWrong() {
        const QString secret = write("secret", "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n");
        const auto r = runCli({"dataset", "--preset", secret, "--data", QString::fromStdString(demo.configPath)});
        QVERIFY_REFUSED(r, "neither a built-in preset (full, mid, test) nor a .yaml file; it was not read");
        QVERIFY(!r.err.contains("hash"));
        const auto asRun = runCli({"dataset", secret});
        QCOMPARE(asRun.code, 2);
        QVERIFY2(!asRun.err.contains("hash"), qPrintable(asRun.err));
        QVERIFY(QFile::link(path("loop-b"), path("loop-a")) && QFile::link(path("loop-a"), path("loop-b")));
        QVERIFY_REFUSED(runCli({"parse", "--out", path("loop-out"), path("loop-a")}), "a symbolic link loop");
        // evaluate said "evaluating …" on stderr before its error: two lines.
        QDir().mkpath(path("not-a-run"));
        QVERIFY_REFUSED(runCli({"evaluate", path("not-a-run")}), "not a run folder (no config.yaml)");
        // results.json values out of their domain (hand-edited): refused with the line.
        const QString run = path("thresholds-run");
        const auto trained = runCli(QStringList{"train", QString::fromStdString(demo.configPath), "--out", run} + kTinyModel);
        QVERIFY2(trained.code == 0, qPrintable(trained.err));
        QFile results(run + "/results.json");
        QVERIFY(results.open(QIODevice::ReadOnly));
        QByteArray json = results.readAll();
        results.close();
        json.replace(QRegularExpression("\"top_g\": \\d+").match(QString::fromUtf8(json)).captured(0).toUtf8(), "\"top_g\": -5");
        QVERIFY(json.contains("\"top_g\": -5"));
        QVERIFY(results.open(QIODevice::WriteOnly | QIODevice::Truncate));
        results.write(json);
        results.close();
        const auto detect = runCli({"detect", run, QString::fromStdString(demo.logPath)});
        QVERIFY_REFUSED(detect, ": thresholds.top_g: expected a number from 1 to 1e+06, found '-5'");
        QVERIFY2(QRegularExpression("results\\.json:\\d+: thresholds").match(detect.err).hasMatch(), qPrintable(detect.err));
        // A long quote is cut in the middle: one line of at most about 1.5 KB.
        const QString wide = write("wide.csv", "Id," + std::string(200000, 'x') + "\nblk_1,1\n");
        const auto w = runCli({"dataset", "--preset", "test", "--data", dataYaml("wide.yaml", QString::fromStdString(demo.logPath), wide)});
        QVERIFY_REFUSED(w, "bytes left out");
        QVERIFY2(w.err.size() < 1600, qPrintable(QString::number(w.err.size())));
    }
};

QTEST_GUILESS_MAIN(TestResourceLimits)
#include "test_resource_limits.moc"
