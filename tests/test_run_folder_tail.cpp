// SPDX-License-Identifier: GPL-3.0-or-later
// Following a run folder another process writes: FileTail reads only appended bytes, waits for a
// half-written last line, notices a replaced or cut file and never waits on a FIFO; RunFolderTail
// follows a real `logbert train` process from its first row to "finished" and ends with exactly
// the rows the loader reads from the finished files.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "engine/io/file_tail.h"
#include "engine/training/metrics_log.h"
#include "engine/training/resource_log.h"
#include "engine/training/run_folder_tail.h"
#include "engine/training/run_lock.h"
#include "test_support.h"

using namespace logbert;

namespace {
void appendText(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << text;
}

std::uint64_t sizeOf(const QString& path) { return std::uint64_t(QFileInfo(path).size()); }

/// The figures the training wrote, as text: what a follower must end with.
QString record(const std::vector<MetricsRow>& rows) {
    QString s;
    for (const auto& r : rows)
        s += QString::fromStdString(MetricsCsv::format(r)) + "\n";
    return s;
}
} // namespace

class TestRunFolderTail : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString demo;
    QStringList small{"--set", "model.hidden_size=32", "--set", "model.num_hidden_layers=1",
                      "--set", "model.num_attention_heads=2", "--set", "training.num_epochs=3",
                      "--set", "training.batch_size=16", "--set", "training.threads=1",
                      "--set", "training.log_every=2"};

private slots:
    void initTestCase() {
        demo = dir.filePath("demo");
        const auto r = testsupport::runCli({"demo-data", demo, "--sessions", "1200"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }

    void readsOnlyWhatWasAppended() {
        const std::string path = dir.filePath("grow.csv").toStdString();
        appendText(path, "a,b\n1,2\n");
        FileTail tail(path);
        std::vector<std::string> lines;
        QCOMPARE(tail.read(lines), FileTail::Result::Restarted); // first sight: from the top
        QCOMPARE(lines, (std::vector<std::string>{"a,b", "1,2"}));
        QCOMPARE(tail.read(lines), FileTail::Result::Unchanged);
        QVERIFY(lines.empty());
        appendText(path, "3,"); // the writer caught mid-line: nothing yet
        QCOMPARE(tail.read(lines), FileTail::Result::Unchanged);
        QVERIFY(lines.empty());
        appendText(path, "4\r\n5,6\n");
        QCOMPARE(tail.read(lines), FileTail::Result::Appended);
        QCOMPARE(lines, (std::vector<std::string>{"3,4", "5,6"}));
        QCOMPARE(tail.firstLineNumber(), std::uint64_t(3));
        // Every byte read once: following costs what was appended, never the whole file again.
        QCOMPARE(tail.bytesRead(), sizeOf(QString::fromStdString(path)));
    }

    void noticesAReplacedOrCutFile() {
        const std::string path = dir.filePath("replaced.csv").toStdString();
        appendText(path, "h\n1\n2\n");
        FileTail tail(path);
        std::vector<std::string> lines;
        tail.read(lines);
        const std::string fresh = path + ".new";
        appendText(fresh, "h\n1\n"); // an atomic rewrite: another inode, fewer rows
        QCOMPARE(std::rename(fresh.c_str(), path.c_str()), 0);
        QCOMPARE(tail.read(lines), FileTail::Result::Restarted);
        QCOMPARE(lines, (std::vector<std::string>{"h", "1"}));
        QCOMPARE(::truncate(path.c_str(), 2), 0); // cut in place
        QCOMPARE(tail.read(lines), FileTail::Result::Restarted);
        QCOMPARE(lines, (std::vector<std::string>{"h"}));
        QCOMPARE(std::remove(path.c_str()), 0);
        QCOMPARE(tail.read(lines), FileTail::Result::Restarted); // gone: no rows
        QVERIFY(lines.empty());
        QCOMPARE(tail.read(lines), FileTail::Result::Missing);
    }

    void refusesAFifoWithoutWaiting() {
        const std::string path = dir.filePath("fifo.csv").toStdString();
        QCOMPARE(::mkfifo(path.c_str(), 0600), 0);
        FileTail tail(path);
        std::vector<std::string> lines;
        QVERIFY(testsupport::inputErrorOf([&] { tail.read(lines); }).contains("not a regular file"));
        QVERIFY(testsupport::inputErrorOf([&] { MetricsLog::load(path); }).contains("not a regular file"));
    }

    void loadersLeaveOutAHalfWrittenLastLine() {
        MetricsLog log;
        MetricsRow row;
        row.kind = MetricsRow::Kind::Step;
        row.epoch = 1, row.step = 10, row.loss = 2.5;
        log.append(row);
        const std::string path = dir.filePath("metrics.csv").toStdString();
        log.save(path);
        appendText(path, "step,1,20,2.4,2.");
        QCOMPARE(MetricsLog::load(path).rows().size(), std::size_t(1));
        appendText(path, "x,0.1,0.001,5,100,,,,1.5,200\n"); // completed, but not a number: named with its line
        QCOMPARE(testsupport::inputErrorOf([&] { MetricsLog::load(path); }),
                 QString::fromStdString(path) + ":3: mlkp: expected a number, found '2.x'");
        ResourceLog resources;
        resources.rows().push_back(ResourceRow{1.0, 3, 99.5, 120.25, 7, -1});
        const std::string rpath = dir.filePath("resources.csv").toStdString();
        resources.save(rpath);
        appendText(rpath, "2.000,4,98");
        QCOMPARE(ResourceLog::load(rpath).rows().size(), std::size_t(1));
    }

    /// A long run opens in bounded polls: each reads one slice per log, and together they give
    /// every row once.
    void catchesUpWithALongLogSliceBySlice() {
        const QString run = dir.filePath("long");
        QDir().mkpath(run);
        MetricsLog log;
        for (int s = 1; s <= 20000; ++s) {
            MetricsRow r;
            r.kind = s % 1000 ? MetricsRow::Kind::Step : MetricsRow::Kind::Epoch;
            r.epoch = s / 1000 + 1, r.step = s, r.loss = 1.0 / s;
            log.append(r);
        }
        log.save((run + "/metrics.csv").toStdString());
        const std::size_t slice = 64 * 1024;
        RunFolderTail tail(run.toStdString(), slice);
        int polls = 0;
        std::uint64_t before = 0;
        do {
            tail.poll();
            QVERIFY(tail.bytesRead() - before <= slice);
            before = tail.bytesRead();
            ++polls;
        } while (!tail.caughtUp() && polls < 1000);
        const auto size = sizeOf(run + "/metrics.csv");
        QCOMPARE(polls, int((size + slice - 1) / slice));
        QCOMPARE(record(tail.metrics()), record(log.rows()));
        QCOMPARE(tail.activity().state, RunActivity::State::NotARun); // logs alone: no config.yaml
    }

    /// A separate `logbert train` process, followed from outside by polling.
    void followsATrainingProcessToTheEnd() {
        const QString run = dir.filePath("followed");
        QProcess p;
        // Epochs enough to outlast the resource sampler's first 1-second interval.
        p.start(LOGBERT_CLI_PATH, QStringList{"train", demo + "/demo.yaml", "--out", run} + small +
                                      QStringList{"--set", "training.num_epochs=8"});
        QVERIFY(p.waitForStarted());
        const qint64 pid = p.processId();
        RunFolderTail tail(run.toStdString());
        std::size_t rowsWhileRunning = 0, growths = 0, resourceRowsWhileRunning = 0;
        bool sawRunning = false, landed = false, namedTheTrainer = false;
        QString runningText;
        while (p.state() != QProcess::NotRunning) {
            const std::size_t before = tail.metrics().size();
            const RunFolderChange c = tail.poll();
            QVERIFY2(!c.metricsRestarted || before == 0, "a new run's metrics.csv is never rewritten");
            landed = landed || c.evaluationLanded;
            if (tail.activity().state == RunActivity::State::Running && !tail.metrics().empty()) {
                sawRunning = true;
                runningText = QString::fromStdString(tail.activity().text());
                // While it trains the writer is `logbert train`; its evaluation then names itself.
                namedTheTrainer |= runningText.startsWith("running elsewhere: logbert train (pid " + QString::number(pid));
                if (tail.metrics().size() > rowsWhileRunning && rowsWhileRunning > 0) ++growths;
                rowsWhileRunning = std::max(rowsWhileRunning, tail.metrics().size());
                resourceRowsWhileRunning = std::max(resourceRowsWhileRunning, tail.resources().size());
            }
            p.waitForFinished(150);
        }
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(sawRunning, "the follower never saw the run while it trained");
        QVERIFY2(growths >= 2, qPrintable(QString("rows arrived in %1 polls only").arg(growths)));
        QVERIFY(resourceRowsWhileRunning > 0);
        QVERIFY2(namedTheTrainer, qPrintable(runningText));
        QVERIFY(!RunFolderLock::holder(run.toStdString()).size());

        const RunFolderChange last = tail.poll();
        landed = landed || last.evaluationLanded;
        QVERIFY2(landed, "the evaluation that `train` ran never landed");
        QCOMPARE(tail.activity().state, RunActivity::State::Finished);
        QCOMPARE(QString::fromStdString(tail.activity().text()),
                 QString("finished: 8 epochs, %1 steps · evaluated").arg(tail.activity().info.steps));
        // The follower ends with exactly the rows of the finished files, having read each byte once.
        const MetricsLog onDisk = MetricsLog::load((run + "/metrics.csv").toStdString());
        QCOMPARE(record(tail.metrics()), record(onDisk.rows()));
        QCOMPARE(tail.resources().size(), ResourceLog::load((run + "/resources.csv").toStdString()).rows().size());
        QCOMPARE(tail.bytesRead(), sizeOf(run + "/metrics.csv") + sizeOf(run + "/resources.csv"));
        QVERIFY(tail.error().empty());
    }

    /// Killed mid-run: "stopped at epoch N"; resumed: the rewritten log restarts the rows, which end
    /// as the resumed file holds them.
    void followsAKilledRunAndItsResume() {
        const QString run = dir.filePath("killed");
        QProcess p;
        p.start(LOGBERT_CLI_PATH, QStringList{"train", demo + "/demo.yaml", "--out", run, "--no-evaluate"} + small +
                                      QStringList{"--set", "training.checkpoint_seconds=0.2"});
        RunFolderTail tail(run.toStdString());
        QVERIFY(QTest::qWaitFor([&] { return QFile::exists(run + "/checkpoint.pt"); }, 120000));
        QVERIFY(QTest::qWaitFor([&] { tail.poll(); return tail.metrics().size() >= 3; }, 120000));
        p.kill();
        p.waitForFinished();
        tail.poll();
        QCOMPARE(tail.activity().state, RunActivity::State::Stopped);
        QVERIFY2(QString::fromStdString(tail.activity().text()).startsWith("stopped at epoch "),
                 tail.activity().text().c_str());
        const auto resumed = testsupport::runCli({"train", "--resume", run, "--no-evaluate"});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        const RunFolderChange c = tail.poll();
        QVERIFY(c.metricsRestarted);
        QCOMPARE(record(tail.metrics()), record(MetricsLog::load((run + "/metrics.csv").toStdString()).rows()));
        QCOMPARE(tail.activity().state, RunActivity::State::Finished);
        QCOMPARE(QString::fromStdString(tail.activity().text()).endsWith("· not evaluated"), true);
    }
};

QTEST_GUILESS_MAIN(TestRunFolderTail)
#include "test_run_folder_tail.moc"
