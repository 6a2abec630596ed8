// SPDX-License-Identifier: GPL-3.0-or-later
// One writer per run folder (engine/training/run_lock.h): two trainings into the same --out, a
// resume or an evaluation of a folder that is still training, a lock left by a killed process,
// a new folder that appears with its lock in it, and a new run that fails before it starts
// (nothing left behind).
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

#include "engine/demo/demo_generator.h"
#include "engine/training/run_activity.h"
#include "engine/training/run_folder.h"
#include "engine/training/run_lock.h"
#include "test_support.h"

using namespace logbert;
using testsupport::runCli;

class TestRunLock : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    DemoSummary demo;

    QStringList trainArgs(const QString& out, const QStringList& extra = {}) {
        QStringList args{"train", QString::fromStdString(demo.configPath), "--out", out, "--no-evaluate", "--quiet",
                         "--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                         "--set", "model.num_attention_heads=2", "--set", "model.max_seq_len=64",
                         "--set", "training.threads=1", "--set", "training.num_epochs=2"};
        return args + extra;
    }

    /// A training that keeps the folder busy for a while, started once it holds the lock.
    void startLongTraining(QProcess& p, const QString& out) {
        p.start(LOGBERT_CLI_PATH, trainArgs(out, {"--set", "training.num_epochs=200", "--set", "training.early_stopping_patience=0"}));
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + "/run.json"), 60000);
    }

private slots:
    void initTestCase() { demo = writeDemoDataset(dir.filePath("demo").toStdString(), DemoOptions{3, 300, 0.05}); }

    void twoTrainingsIntoOneFolderLeaveOneRun() {
        for (int round = 0; round < 3; ++round) {
            const QString out = dir.filePath(QString("both-%1").arg(round));
            QProcess a, b;
            a.start(LOGBERT_CLI_PATH, trainArgs(out));
            b.start(LOGBERT_CLI_PATH, trainArgs(out, {"--set", "training.seed=7"}));
            QVERIFY(a.waitForFinished(120000) && b.waitForFinished(120000));
            const int ok = (a.exitCode() == 0) + (b.exitCode() == 0);
            const QString errA = QString::fromUtf8(a.readAllStandardError()), errB = QString::fromUtf8(b.readAllStandardError());
            QVERIFY2(ok == 1, qPrintable(QString("exit codes %1 and %2:\n%3\n%4").arg(a.exitCode()).arg(b.exitCode()).arg(errA, errB)));
            const QString loser = a.exitCode() == 0 ? errB : errA;
            QCOMPARE((a.exitCode() == 0 ? b : a).exitCode(), 2);
            QVERIFY2(loser.contains("is in use by logbert train (pid") || loser.contains("already holds a run"), qPrintable(loser));
            // The folder is the winner's, whole: its config matches its model.
            const RunConfig saved = loadRunFolderConfig(out.toStdString());
            QCOMPARE(saved.training.seed, a.exitCode() == 0 ? std::uint64_t(42) : std::uint64_t(7));
            QCOMPARE(RunInfo::load(out.toStdString()).status, std::string("trained"));
            QVERIFY(QFile::exists(out + "/model.pt"));
            QVERIFY(!QFile::exists(out + "/" + RunFolderLock::kFileName)); // released and removed
        }
    }

    void aFolderStillTrainingRefusesOtherWriters() {
        const QString out = dir.filePath("busy");
        QProcess training;
        startLongTraining(training, out);
        const auto resume = runCli({"train", "--resume", out});
        QCOMPARE(resume.code, 2);
        QVERIFY2(resume.err.contains(out + ": is in use by logbert train (pid " + QString::number(training.processId())),
                 qPrintable(resume.err));
        QCOMPARE(resume.err.trimmed().count('\n'), 0); // one line
        const auto again = runCli(trainArgs(out));
        QCOMPARE(again.code, 2);
        QVERIFY(again.err.contains("is in use by logbert train"));
        // Readers need no lock.
        QVERIFY(RunInfo::load(out.toStdString()).status == "training");
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(out + "/model.pt"), 60000); // an epoch done: something to evaluate
        ::kill(pid_t(training.processId()), SIGINT); // checkpoint and stop
        QVERIFY(training.waitForFinished(60000));
        QCOMPARE(training.exitCode(), 130);
        // Now it can be evaluated (which locks it too) and resumed.
        const auto evaluate = runCli({"evaluate", out});
        QVERIFY2(evaluate.code == 0, qPrintable(evaluate.err));
    }

    void evaluatingAFolderThatTrainsIsRefused() {
        const QString out = dir.filePath("busy-evaluate");
        const auto first = runCli(trainArgs(out, {"--set", "training.num_epochs=1"}));
        QVERIFY2(first.code == 0, qPrintable(first.err));
        // Hold the folder as a training in another process would.
        {
            const RunFolderLock held(out.toStdString(), "train");
            const auto evaluate = runCli({"evaluate", out});
            QCOMPARE(evaluate.code, 2);
            QVERIFY2(evaluate.err.contains("is in use by logbert train (pid"), qPrintable(evaluate.err));
            QVERIFY(!QFile::exists(out + "/results.json"));
        }
        const auto evaluate = runCli({"evaluate", out});
        QVERIFY2(evaluate.code == 0, qPrintable(evaluate.err));
    }

    void aLockLeftByAKilledProcessIsTakenOver() {
        const QString out = dir.filePath("stale");
        QProcess training;
        startLongTraining(training, out);
        ::kill(pid_t(training.processId()), SIGKILL);
        QVERIFY(training.waitForFinished(10000));
        QVERIFY(QFile::exists(out + "/" + RunFolderLock::kFileName)); // the file stays, unlocked
        QProcess resume;
        resume.start(LOGBERT_CLI_PATH, {"train", "--resume", out, "--no-evaluate", "--quiet"});
        QVERIFY(resume.waitForStarted());
        const QString mine = "(pid " + QString::number(resume.processId()) + " ";
        auto lockOwner = [&] {
            QFile f(out + "/" + RunFolderLock::kFileName);
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(lockOwner().contains(mine), 30000); // the resume took the lock over
        ::kill(pid_t(resume.processId()), SIGINT);
        QVERIFY(resume.waitForFinished(60000));
        QVERIFY2(resume.exitCode() == 130 || resume.exitCode() == 0, qPrintable(QString::fromUtf8(resume.readAllStandardError())));
        // A new run into a folder holding only a stale lock file is fine too.
        const QString fresh = dir.filePath("stale-new");
        QDir().mkpath(fresh);
        testsupport::writeFile(fresh, RunFolderLock::kFileName, "logbert train (pid 1 on elsewhere, since then)\n");
        const auto run = runCli(trainArgs(fresh, {"--set", "training.num_epochs=1"}));
        QVERIFY2(run.code == 0, qPrintable(run.err));
    }

    /// A new run folder is never seen without its writer: it is made with the lock inside.
    void aNewFolderAppearsWithItsLock() {
        const QString out = dir.filePath("appears/with-lock/");
        {
            const auto lock = RunFolderLock::createFolder(out.toStdString(), "train");
            QVERIFY(lock != nullptr);
            QVERIFY(QString::fromStdString(RunFolderLock::holder(out.toStdString()))
                        .startsWith("logbert train (pid " + QString::number(QCoreApplication::applicationPid()) + " on "));
            QCOMPARE(QDir(dir.filePath("appears")).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                     QStringList{"with-lock"}); // no hidden sibling left
            QVERIFY(!RunFolderLock::createFolder(out.toStdString(), "train")); // exists: lock it as it is
        }
        QVERIFY(QDir(out).exists());
        QVERIFY(!QFile::exists(out + RunFolderLock::kFileName)); // released and removed
        QVERIFY(QDir(out).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));

        // A separate `logbert train`, watched as closely as a poll can: from the first moment its
        // folder exists, it is a run (a lock holder, then a config.yaml), never "not a run".
        for (int round = 0; round < 3; ++round) {
            const QString run = dir.filePath(QString("watched-%1").arg(round));
            QProcess p;
            p.start(LOGBERT_CLI_PATH, trainArgs(run, {"--set", "training.num_epochs=1"}));
            QVERIFY(p.waitForStarted());
            QElapsedTimer clock;
            clock.start();
            while (!QFileInfo::exists(run) && clock.elapsed() < 60000) {
            } // spin: the moment it appears
            QVERIFY2(readRunActivity(run.toStdString()).state != RunActivity::State::NotARun,
                     "a new run folder was seen before its writer's lock");
            QVERIFY(p.waitForFinished(120000));
            QCOMPARE(p.exitCode(), 0);
        }
    }

    void aNewRunThatFailsLeavesNothing() {
        const QString out = dir.filePath("never");
        const auto r = runCli(trainArgs(out, {"--set", "training.batch_size=100000"}));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("is larger than the"), qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestRunLock)
#include "test_run_lock.moc"
