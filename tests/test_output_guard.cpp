// SPDX-License-Identifier: GPL-3.0-or-later
// The program never destroys the user's data with its own outputs (engine/io/output_guard.h):
// an output is never one of its inputs or a file of the run folder it reads, an existing target
// is replaced only with --force, a bad output place is found before the work, and only the
// program's own temporary files of dead writers are ever removed.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/mount.h>
#endif
#include <unistd.h>

#include "engine/demo/demo_generator.h"
#include "engine/io/atomic_file.h"
#include "test_support.h"

using namespace logbert;
using testsupport::runCli;

namespace {

QByteArray digest(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

/// One line on stderr, exit code 2.
#define QVERIFY_REFUSED(result, text)                                                                       \
    do {                                                                                                   \
        QCOMPARE((result).code, 2);                                                                        \
        QVERIFY2((result).err.contains(text), qPrintable((result).err));                                   \
        QCOMPARE((result).err.trimmed().count('\n'), 0);                                                   \
    } while (0)


/// A folder nobody may write into for the life of this object: mode 0555 for a normal user; for
/// root, who ignores modes, a read-only tmpfs mounted over it (Linux). `ok` is false where
/// neither works (root without mount rights).
struct ReadOnlyFolder {
    QByteArray path;
    bool mounted = false, ok = false;
    explicit ReadOnlyFolder(const QString& folder) : path(QFile::encodeName(folder)) {
        if (::geteuid() != 0) {
            ok = ::chmod(path.constData(), 0555) == 0;
            return;
        }
#ifdef __linux__
        mounted = ::mount("tmpfs", path.constData(), "tmpfs", MS_RDONLY, "size=1m") == 0;
#endif
        ok = mounted;
    }
    ~ReadOnlyFolder() {
#ifdef __linux__
        if (mounted) ::umount(path.constData());
#endif
        if (!mounted) ::chmod(path.constData(), 0755);
    }
};

} // namespace

class TestOutputGuard : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;
    QString run, log;

private slots:
    void initTestCase() {
        demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{3, 300, 0.05});
        run = dir.filePath("run");
        log = QString::fromStdString(demo.logPath);
        const auto r = runCli({"train", QString::fromStdString(demo.configPath), "--out", run, "--quiet",
                               "--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                               "--set", "model.num_attention_heads=2", "--set", "model.max_seq_len=64",
                               "--set", "training.num_epochs=1", "--set", "training.threads=1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void readOnlyOutputIsRefusedBeforeTheWork() {
        const QString folder = dir.filePath("read-only");
        QVERIFY(QDir().mkpath(folder));
        ReadOnlyFolder readOnly(folder);
        if (!readOnly.ok) QSKIP("no read-only folder can be made here (root without mount rights)");
        // An existing folder (parse and demo-data with --force) was found only when the first
        // output was written, after the work, and ended with exit code 1.
        QVERIFY_REFUSED(runCli({"parse", log, "--format", "hdfs", "--out", folder, "--force"}), "cannot write into " + folder);
        QVERIFY_REFUSED(runCli({"demo-data", folder, "--force"}), "cannot write into " + folder);
        QVERIFY_REFUSED(runCli({"parse", log, "--format", "hdfs", "--out", folder + "/new"}), "cannot create the output folder");
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", folder + "/flagged.csv"}), "cannot write into " + folder);
        QVERIFY_REFUSED(runCli({"train", QString::fromStdString(demo.configPath), "--out", folder + "/run", "--quiet"}),
                        "cannot create the run folder");
        QVERIFY(QDir(folder).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden));
    }

    void detectNeverWritesOverItsInputOrTheRun() {
        const QByteArray before = digest(log), model = digest(run + "/model.pt");
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", log, "--force"}), "is an input of this command");
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", dir.filePath("demo/../demo/HDFS_demo.log")}), "is an input");
        QFile::link(log, dir.filePath("link.log"));
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", dir.filePath("link.log"), "--force"}), "is an input");
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", run + "/model.pt", "--force"}), "is inside the run folder");
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", run + "/flagged.csv"}), "is inside the run folder");
        QCOMPARE(digest(log), before);
        QCOMPARE(digest(run + "/model.pt"), model);
        QVERIFY(!QFile::exists(run + "/flagged.csv"));
    }

    void detectReplacesAnExistingFileOnlyWithForce() {
        const std::string target = testsupport::writeFile(dir.path(), "flagged.csv", "mine\n");
        const QString path = QString::fromStdString(target);
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", path}), "exists; choose a new file, or give --force");
        QCOMPARE(digest(path), QCryptographicHash::hash("mine\n", QCryptographicHash::Sha256));
        const auto forced = runCli({"detect", run, log, "--out", path, "--force"});
        QVERIFY2(forced.code == 0, qPrintable(forced.err));
        QVERIFY(digest(path) != QCryptographicHash::hash("mine\n", QCryptographicHash::Sha256));
    }

    void aBadOutputPlaceIsFoundBeforeTheWork() {
        // Before the scoring: the message names the place, not a result (no "sessions ... flagged").
        const auto missing = runCli({"detect", run, log, "--out", dir.filePath("missing/flagged.csv")});
        QVERIFY_REFUSED(missing, "does not exist");
        QVERIFY(!missing.err.contains("flagged in"));
        QVERIFY_REFUSED(runCli({"detect", run, log, "--out", dir.path()}), "is a folder");
    }

    void parseNeverFillsAFolderThatHoldsSomething() {
        const QString out = dir.filePath("parsed");
        QDir().mkpath(out);
        const std::string keep = testsupport::writeFile(out, "notes.txt", "keep me\n");
        QVERIFY_REFUSED(runCli({"parse", "--out", out, log}), "is not empty; choose a new or empty folder, or give --force");
        QVERIFY_REFUSED(runCli({"parse", "--out", "/", log}), "is not empty");
        const auto forced = runCli({"parse", "--out", out, "--force", log});
        QVERIFY2(forced.code == 0, qPrintable(forced.err));
        QVERIFY(QFile::exists(out + "/templates.csv"));
        QCOMPARE(digest(QString::fromStdString(keep)), QCryptographicHash::hash("keep me\n", QCryptographicHash::Sha256));
        // --force never lets an output replace an input: structured.csv given as the log to parse.
        const std::string input = testsupport::writeFile(dir.filePath("in"), "structured.csv",
                                                         "081109 203615 148 INFO dfs.DataNode: Receiving block blk_1\n");
        QVERIFY_REFUSED(runCli({"parse", "--out", dir.filePath("in"), "--force", QString::fromStdString(input)}), "is an input");
        QVERIFY_REFUSED(runCli({"parse", "--out", dir.filePath("demo"), "--force", dir.filePath("demo")}), "is inside the input folder");
    }

    void demoDataNeverFillsAFolderThatHoldsSomething() {
        QVERIFY_REFUSED(runCli({"demo-data", dir.filePath("demo")}), "is not empty");
        const auto forced = runCli({"demo-data", dir.filePath("demo2"), "--sessions", "50"});
        QCOMPARE(forced.code, 0);
        QCOMPARE(runCli({"demo-data", dir.filePath("demo2"), "--sessions", "50", "--force"}).code, 0);
    }

    void onlyTheProgramsOwnStaleTemporaryFilesAreRemoved() {
        const QString folder = dir.filePath("temps");
        QDir().mkpath(folder);
        const pid_t dead = ::fork(); // a writer that has ended
        if (dead == 0) ::_exit(0);
        ::waitpid(dead, nullptr, 0);
        const std::string stale = ".checkpoint.pt.logbert-tmp-" + std::to_string(dead) + "-3";
        const std::string live = ".model.pt.logbert-tmp-" + std::to_string(::getppid()) + "-0"; // a running writer
        for (const std::string name : {stale, live, std::string("notes.tmp-1"), std::string("a.tmp-22-1"),
                                       std::string(".x.logbert-tmp-abc-1")})
            testsupport::writeFile(folder, name, "data\n");
        QCOMPARE(removeStaleTempFiles(folder.toStdString()), 1);
        QVERIFY(!QFile::exists(folder + "/" + QString::fromStdString(stale)));
        for (const char* kept : {"notes.tmp-1", "a.tmp-22-1", ".x.logbert-tmp-abc-1"}) QVERIFY(QFile::exists(folder + "/" + kept));
        QVERIFY(QFile::exists(folder + "/" + QString::fromStdString(live)));
    }
};

QTEST_GUILESS_MAIN(TestOutputGuard)
#include "test_output_guard.moc"
