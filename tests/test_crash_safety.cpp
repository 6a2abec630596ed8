// SPDX-License-Identifier: GPL-3.0-or-later
// Crash-safe run folders. A training process is killed with SIGKILL at pseudo-random moments
// (seeded, so a failure can be replayed); after every kill the run folder must open and resume
// from its last checkpoint, and the run that finishes must equal one that was never killed:
// the same metrics rows (none repeated, none lost, none folded back) and the same results.
// Then a full disk (file-size limit, and a full tmpfs where mount namespaces are allowed) and a
// read-only disk: a clear error, and the last good checkpoint is left intact.
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <random>
#include <sys/resource.h>

#include "test_support.h"
#include "engine/training/metrics_log.h"
#include "engine/training/run_folder.h"

using namespace logbert;

namespace {

using Result = testsupport::CliResult;
Result cli(const QStringList& args) { return testsupport::runCli(args); }

Result finish(QProcess& p) {
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString(), QString::fromUtf8(p.readAllStandardError())};
}

QByteArray sha256(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

QStringList tempFilesIn(const QString& dir) { return QDir(dir).entryList({".*.logbert-tmp-*"}, QDir::Files | QDir::Hidden); }

/// Everything of the metrics that training determines (not the clock or the memory).
QString learningRecord(const MetricsLog& log) {
    QString s;
    for (const auto& r : log.rows())
        s += QString("%1 %2 %3 %4 %5 %6 %7 %8\n")
                 .arg(r.kind == MetricsRow::Kind::Step ? "step" : "epoch")
                 .arg(r.epoch).arg(r.step).arg(r.loss, 0, 'g', 17).arg(r.vhm, 0, 'g', 17)
                 .arg(r.learningRate, 0, 'g', 17).arg(r.validationLoss, 0, 'g', 17).arg(r.validationMlkp, 0, 'g', 17);
    return s;
}

QJsonObject logbertMetrics(const QString& runDir) {
    QFile f(runDir + "/results.json");
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object()["logbert"].toObject();
}

} // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString demo;
    QStringList model{"--set", "model.hidden_size=64", "--set", "model.num_hidden_layers=2",
                      "--set", "model.num_attention_heads=2", "--set", "training.num_epochs=12",
                      "--set", "training.batch_size=16", "--set", "training.threads=1",
                      "--set", "training.log_every=1", "--set", "training.checkpoint_seconds=0.25"};
    QString reference;

    QStringList freshRun(const QString& out) const { return QStringList{"train", demo + "/demo.yaml", "--out", out} + model; }

    /// Starts a run and kills it a little after its first checkpoint.
    bool killedAfterFirstCheckpoint(const QString& run) const {
        QProcess p;
        p.start(LOGBERT_CLI_PATH, freshRun(run));
        const bool saved = QTest::qWaitFor([&] { return QFile::exists(run + "/checkpoint.pt"); }, 60000);
        QTest::qWait(300);
        p.kill();
        p.waitForFinished();
        return saved;
    }

    /// Checks what a killed run left: the folder opens, its files parse, its metrics go forward.
    void checkKilledFolder(const QString& run, std::int64_t& checkpointStep) {
        checkpointStep = -1;
        if (!QFile::exists(run + "/config.yaml")) return; // killed before the folder held a run
        loadRunFolderConfig(run.toStdString());
        if (QFile::exists(run + "/metrics.csv")) {
            const MetricsLog log = MetricsLog::load((run + "/metrics.csv").toStdString());
            std::int64_t last = -1;
            for (const auto& r : log.rows())
                if (r.kind == MetricsRow::Kind::Step) {
                    QVERIFY2(r.step > last, "metrics.csv repeats or folds back a step");
                    last = r.step;
                }
        }
        if (QFile::exists(run + "/run.json")) checkpointStep = RunInfo::load(run.toStdString()).steps;
    }

private slots:
    void initTestCase() {
        demo = dir.filePath("demo");
        QCOMPARE(cli({"demo-data", demo, "--sessions", "1500"}).code, 0);
        reference = dir.filePath("reference");
        const Result r = cli(freshRun(reference));
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void sigkillAtRandomMomentsThenResume() {
        std::mt19937 rng(20261130);
        std::uniform_int_distribution<int> delayMs(20, 1600);
        std::uniform_int_distribution<int> evaluationDelayMs(0, 400);
        const QString referenceRecord = learningRecord(MetricsLog::load((reference + "/metrics.csv").toStdString()));
        const QJsonObject referenceMetrics = logbertMetrics(reference);
        QVERIFY(!referenceMetrics.isEmpty());

        int kills = 0, finishedRuns = 0, folder = 0, resumedFromScratch = 0;
        QString run = dir.filePath("victim-0");
        std::int64_t checkpointStep = -1, lastResumeStep = -1;
        QStringList moments;
        int phases[3] = {0, 0, 0}; // reading data, training, evaluating
        auto verifyFinished = [&] {
            const QString record = learningRecord(MetricsLog::load((run + "/metrics.csv").toStdString()));
            if (record != referenceRecord) { // keep both for a diff
                const QString keep = QDir::temp().filePath("logbert-crash-safety");
                QFile a(keep + ".record"), b(keep + ".reference");
                if (a.open(QIODevice::WriteOnly)) a.write(record.toUtf8());
                if (b.open(QIODevice::WriteOnly)) b.write(referenceRecord.toUtf8());
                qWarning("metrics differ: diff %s.reference %s.record", qPrintable(keep), qPrintable(keep));
            }
            QCOMPARE(record, referenceRecord);
            QCOMPARE(logbertMetrics(run), referenceMetrics);
            QCOMPARE(QString::fromStdString(RunInfo::load(run.toStdString()).status), QString("trained"));
            QVERIFY(tempFilesIn(run).isEmpty());
            ++finishedRuns;
        };
        while (kills < 24) {
            const bool resume = QFile::exists(run + "/config.yaml");
            QProcess p;
            p.start(LOGBERT_CLI_PATH, resume ? QStringList{"train", "--resume", run} : freshRun(run));
            QVERIFY(p.waitForStarted());
            // One kill in six lands in the evaluation after training, most in training (timed from
            // its first line), the rest anywhere from the start (reading data, building the model).
            QByteArray early;
            const unsigned pick = unsigned(rng() % 12);
            const char* mark = pick < 2 ? "evaluating" : pick < 9 ? "steps per epoch" : nullptr;
            QElapsedTimer wait;
            wait.start();
            while (mark && !early.contains(mark) && p.state() == QProcess::Running && wait.elapsed() < 120000) {
                p.waitForReadyRead(20);
                early += p.readAllStandardError();
            }
            const bool fromTraining = mark != nullptr;
            const int delay = pick < 2 ? evaluationDelayMs(rng) : delayMs(rng);
            if (p.waitForFinished(delay)) { // it finished before the kill: the run is complete
                QVERIFY2(p.exitCode() == 0, (early + p.readAllStandardError()).constData());
                verifyFinished();
                run = dir.filePath(QString("victim-%1").arg(++folder));
                lastResumeStep = checkpointStep = -1;
                continue;
            }
            p.kill(); // SIGKILL
            p.waitForFinished();
            ++kills;
            moments << QString::number(delay) + (fromTraining ? "t" : "");
            const QString err = QString::fromUtf8(early + p.readAllStandardError());
            // The phase the kill interrupted, from what the process had printed.
            ++phases[err.contains("evaluating") ? 2 : err.contains("steps per epoch") ? 1 : 0];
            const auto m = QRegularExpression("resuming at epoch \\d+, step (\\d+)").match(err);
            if (m.hasMatch()) {
                const std::int64_t step = m.captured(1).toLongLong();
                // Resumed from the last checkpoint the killed process saved: nothing older.
                QVERIFY2(step >= checkpointStep, qPrintable(QString("resumed at %1, checkpoint %2").arg(step).arg(checkpointStep)));
                QVERIFY2(step >= lastResumeStep, "progress folded back");
                lastResumeStep = step;
            } else if (err.contains("no checkpoint yet")) {
                ++resumedFromScratch;
            }
            const std::int64_t before = checkpointStep;
            checkKilledFolder(run, checkpointStep);
            QVERIFY2(checkpointStep >= before || checkpointStep < 0 || before < 0, "the checkpoint went backwards");
        }
        // The last victim runs to the end undisturbed.
        if (QFile::exists(run + "/config.yaml")) {
            const Result r = cli({"train", "--resume", run});
            QVERIFY2(r.code == 0, qPrintable(r.err));
        } else {
            const Result r = cli(freshRun(run));
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }
        verifyFinished();
        qInfo("%d SIGKILLs survived (delays ms, t: after training or evaluation began: %s): %d while reading data, %d while training, %d while "
              "evaluating; %d resumes started before the first checkpoint; %d runs finished equal to the "
              "uninterrupted one", kills, qPrintable(moments.join(' ')), phases[0], phases[1], phases[2],
              resumedFromScratch, finishedRuns);
        QVERIFY(kills >= 20);
    }

    // A file-size limit makes every write past it fail (EFBIG), like a disk that fills up.
    void fullDiskKeepsTheLastCheckpoint() {
        const QString run = dir.filePath("limited");
        QVERIFY(killedAfterFirstCheckpoint(run));
        const QByteArray before = sha256(run + "/checkpoint.pt");
        const qint64 size = QFileInfo(run + "/checkpoint.pt").size();
        QVERIFY(size > 100000);

        QProcess limited;
        limited.setChildProcessModifier([size] {
            std::signal(SIGXFSZ, SIG_IGN); // the write fails instead of killing the process
            const rlimit limit{rlim_t(size / 2), rlim_t(size / 2)};
            setrlimit(RLIMIT_FSIZE, &limit);
        });
        limited.start(LOGBERT_CLI_PATH, {"train", "--resume", run});
        const Result r = finish(limited);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("checkpoint.pt: cannot write: File too large"), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().split('\n').last().count("logbert train:"), 1);
        QCOMPARE(sha256(run + "/checkpoint.pt"), before);
        QVERIFY(tempFilesIn(run).isEmpty());
        // Space again: the run resumes from that checkpoint and finishes.
        const Result again = cli({"train", "--resume", run});
        QVERIFY2(again.code == 0, qPrintable(again.err));
    }

    // A real full tmpfs (ENOSPC) and a read-only remount, in a private mount namespace.
    void fullAndReadOnlyFilesystems() {
        if (QProcess::execute("unshare", {"-rm", "true"}) != 0)
            QSKIP("SKIP: no user and mount namespaces here (unshare -rm); the file-size test above covers full disks");
        const QString run = dir.filePath("mounted-src");
        QVERIFY(killedAfterFirstCheckpoint(run));
        const QString mnt = dir.filePath("mnt");
        QDir().mkpath(mnt);
        const QString script = QString(R"SH(
set -u
mount -t tmpfs -o size=4m tmpfs "$1" || exit 77
cp -a "$2" "$1/run"
# A kill in the middle of a write leaves a temp file; resume deletes it, and the space that
# frees would let a new checkpoint fit on the "full" disk. Fill the disk without it.
rm -f "$1"/run/.*.logbert-tmp-*
sum() { sha256sum "$1/run/checkpoint.pt" | cut -d' ' -f1; }
echo "before $(sum "$1")"
avail=$(df --output=avail -k "$1" | tail -1)
fallocate -l $(( (avail - 150) * 1024 )) "$1/fill"
"$3" train --resume "$1/run" >/dev/null 2>"$4/full.err"; echo "full-rc $?"
echo "after-full $(sum "$1")"
echo "temp-files $(ls -A "$1/run" | grep -c 'logbert-tmp-')"
rm "$1/fill"
mount -o remount,ro "$1"
"$3" train --resume "$1/run" >/dev/null 2>"$4/ro.err"; echo "ro-rc $?"
echo "after-ro $(sum "$1")"
mount -o remount,rw "$1"
"$3" train --resume "$1/run" >/dev/null 2>"$4/ok.err"; echo "ok-rc $?"
)SH");
        QProcess sh;
        sh.start("unshare", {"-rm", "sh", "-c", script, "sh", mnt, run, LOGBERT_CLI_PATH, dir.path()});
        QVERIFY(sh.waitForFinished(300000));
        const QString out = QString::fromUtf8(sh.readAllStandardOutput());
        const QString shErr = QString::fromUtf8(sh.readAllStandardError());
        if (sh.exitCode() == 77) QSKIP("SKIP: cannot mount a tmpfs in a user namespace here");
        auto value = [&](const QString& key) {
            return QRegularExpression("^" + key + " (\\S+)$", QRegularExpression::MultilineOption).match(out).captured(1);
        };
        auto readErr = [&](const char* name) {
            QFile f(dir.filePath(name));
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        };
        QVERIFY2(!value("before").isEmpty(), qPrintable(out + shErr));
        QVERIFY2(!value("full-rc").isEmpty(), qPrintable(out + shErr));
        QCOMPARE(value("full-rc"), QString("1"));
        QVERIFY2(readErr("full.err").contains("No space left on device"), qPrintable(readErr("full.err")));
        QCOMPARE(value("after-full"), value("before"));
        QCOMPARE(value("temp-files"), QString("0"));
        // Read-only: refused when the resume takes the folder's lock, before anything is written.
        QCOMPARE(value("ro-rc"), QString("2"));
        QVERIFY2(readErr("ro.err").contains("Read-only file system"), qPrintable(readErr("ro.err")));
        QCOMPARE(value("after-ro"), value("before"));
        QVERIFY2(value("ok-rc") == "0", qPrintable(readErr("ok.err")));
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "test_crash_safety.moc"
