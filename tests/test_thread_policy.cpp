// SPDX-License-Identifier: GPL-3.0-or-later
// `training.threads: auto`: the CPU budget (affinity mask, cgroup quota), the load other programs
// put on it, and the OpenMP wait policy the executables set before libgomp starts.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/platform/blas_check.h"
#include "engine/runtime/openmp_defaults.h"
#include "engine/runtime/thread_policy.h"
#include "test_support.h"

using namespace logbert;

namespace {

int cpusInMask() {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    return sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : 1;
}

/// A child process that spins on one CPU until killed.
pid_t startBusyProcess(int cpu) {
    const pid_t pid = fork();
    if (pid == 0) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        sched_setaffinity(0, sizeof one, &one);
        for (volatile unsigned long i = 0;; ++i) {
        }
    }
    return pid;
}

void stopProcess(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

/// The first CPU of this process's mask other than `not`.
int otherCpu(int notThis) {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    sched_getaffinity(0, sizeof mask, &mask);
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &mask) && c != notThis) return c;
    return notThis;
}

/// The writable cgroup CPU controller folder where a child group can be made, or "".
QString cgroupCpuRoot(bool& v2) {
    v2 = false;
    if (QFile::exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")) return "/sys/fs/cgroup/cpu"; // v1
    if (QFile::exists("/sys/fs/cgroup/cgroup.controllers")) {
        QFile controllers("/sys/fs/cgroup/cgroup.subtree_control");
        if (controllers.open(QIODevice::ReadOnly) && controllers.readAll().contains("cpu")) {
            v2 = true;
            return "/sys/fs/cgroup";
        }
    }
    return "";
}

} // namespace

class TestThreadPolicy : public QObject {
    Q_OBJECT

private slots:
    void openBlasNoteSaysWhoChoseTheKernels() {
        QCOMPARE(openBlasCoreNote("Cooperlake", nullptr, false, true), std::string("chosen by OpenBLAS"));
        QCOMPARE(openBlasCoreNote("Haswell", "Prescott", true, false),
                 std::string("chosen by logbert: OpenBLAS did not know this CPU and fell back to Prescott"));
        // A user's OPENBLAS_CORETYPE wins; the note says when it holds AVX2 kernels on an AVX-512 CPU.
        QCOMPARE(openBlasCoreNote("Haswell", nullptr, true, false), std::string("from OPENBLAS_CORETYPE"));
        QCOMPARE(openBlasCoreNote("SKYLAKEX", nullptr, true, true), std::string("from OPENBLAS_CORETYPE"));
        const std::string held = openBlasCoreNote("Haswell", nullptr, true, true);
        QVERIFY2(held.find("this CPU has AVX-512") != std::string::npos && held.find("unset OPENBLAS_CORETYPE") != std::string::npos,
                 held.c_str());
        QVERIFY(openBlasCoreNote("Zen", nullptr, true, true).find("AVX-512") != std::string::npos);
    }

    void quotaTexts() {
        QCOMPARE(cgroupV2Quota("150000 100000").value_or(-1), 1.5);
        QCOMPARE(cgroupV2Quota("50000 100000\n").value_or(-1), 0.5);
        QVERIFY(!cgroupV2Quota("max 100000"));
        QVERIFY(!cgroupV2Quota(""));
        QVERIFY(!cgroupV2Quota("12x 100000"));
        QVERIFY(!cgroupV2Quota("100000 0"));
        QCOMPARE(cgroupV1Quota(200000, 100000).value_or(-1), 2.0);
        QVERIFY(!cgroupV1Quota(-1, 100000));
        QCOMPARE(cpusForQuota(0.2), 1);
        QCOMPARE(cpusForQuota(1.4), 1);
        QCOMPARE(cpusForQuota(1.5), 2);
        QCOMPARE(cpusForQuota(3.9), 4);
    }

    void threadsForLoad_data() {
        QTest::addColumn<int>("budget");
        QTest::addColumn<double>("others");
        QTest::addColumn<int>("threads");
        QTest::newRow("idle") << 2 << 0.0 << 2;
        QTest::newRow("background noise") << 2 << 0.25 << 2;
        QTest::newRow("a busy program sharing with 2 threads") << 2 << 0.67 << 1;
        QTest::newRow("one busy program") << 2 << 1.0 << 1;
        QTest::newRow("everything busy") << 2 << 2.0 << 1;
        QTest::newRow("8 cores, a browser") << 8 << 1.2 << 7;
        QTest::newRow("8 cores, two busy programs") << 8 << 2.0 << 6;
        QTest::newRow("1 CPU") << 1 << 1.0 << 1;
    }
    void threadsForLoad() {
        QFETCH(int, budget);
        QFETCH(double, others);
        QFETCH(int, threads);
        QCOMPARE(ThreadPolicy::threadsFor(budget, others), threads);
    }

    void explicitSettingIsUsedAsItIs() {
        ThreadPolicy p(3);
        const ThreadChoice c = p.choose();
        QCOMPARE(c.threads, 3);
        QCOMPARE(QString::fromStdString(c.reason), QString("training.threads: 3"));
        QVERIFY(!p.revise(0));
    }

    void autoFollowsTheAffinityMask() {
        cpu_set_t before, one;
        CPU_ZERO(&before);
        QCOMPARE(sched_getaffinity(0, sizeof before, &before), 0);
        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        QCOMPARE(sched_setaffinity(0, sizeof one, &one), 0);
        const CpuBudget b = cpuBudget();
        const ThreadChoice c = ThreadPolicy(0).choose();
        sched_setaffinity(0, sizeof before, &before);
        QCOMPARE(b.cpus, 1);
        QVERIFY2(b.reason == "1 CPU in the affinity mask", b.reason.c_str());
        QCOMPARE(c.threads, 1);
        QVERIFY2(QString::fromStdString(c.reason).startsWith("auto: 1 CPU in the affinity mask"), c.reason.c_str());
        QCOMPARE(cpuBudget().cpus, cpusInMask());
    }

    /// The same through the CLI, restricted by taskset as a user would.
    void infoReportsTheRestrictedMask() {
        if (QStandardPaths::findExecutable("taskset").isEmpty()) QSKIP("SKIP: taskset not installed");
        QProcess p;
        p.start("taskset", {"-c", "0", LOGBERT_CLI_PATH, "info"});
        QVERIFY(p.waitForFinished(60000));
        const QString out = p.readAllStandardOutput();
        QVERIFY2(out.contains("threads: auto would use 1 now (auto: 1 CPU in the affinity mask"), qPrintable(out));
    }

    void autoLeavesOutACpuThatAnotherProgramKeepsBusy() {
        if (cpusInMask() < 2) QSKIP("SKIP: needs 2 CPUs");
        const int budget = cpuBudget().cpus;
        const pid_t busy = startBusyProcess(otherCpu(-1));
        QTest::qWait(200); // let it start spinning
        const ThreadChoice c = ThreadPolicy(0).choose(0.6);
        stopProcess(busy);
        // Other tests may run beside this one, so only the upper bound is certain.
        QVERIFY2(c.threads <= budget - 1, c.reason.c_str());
        QVERIFY2(c.reason.find("other programs keep") != std::string::npos, c.reason.c_str());
    }

    void reviseWaitsForTwoWindowsThatAgree() {
        if (cpusInMask() < 2) QSKIP("SKIP: needs 2 CPUs");
        ThreadPolicy p(0);
        const int first = p.choose(0.3).threads;
        const pid_t busy = startBusyProcess(otherCpu(-1));
        QTest::qWait(100);
        std::optional<ThreadChoice> change;
        int windows = 0;
        QElapsedTimer timer;
        timer.start();
        while (!change && timer.elapsed() < 5000) {
            QTest::qWait(310);
            change = p.revise(0.3);
            ++windows;
        }
        stopProcess(busy);
        if (first == 1) QSKIP("SKIP: the machine was already busy; nothing to lower");
        QVERIFY2(change.has_value(), "auto did not follow a busy program within 5 s");
        QVERIFY(change->threads < first);
        QVERIFY2(windows >= 2, "changed after one window");
    }

    void cgroupQuotaLimitsAuto() {
        if (cpusInMask() < 2) QSKIP("SKIP: needs 2 CPUs");
        bool v2 = false;
        const QString root = cgroupCpuRoot(v2);
        if (root.isEmpty()) QSKIP("SKIP: no cgroup CPU controller here");
        const QString group = root + QString("/logbert-test-%1").arg(getpid());
        if (!QDir().mkdir(group)) QSKIP("SKIP: cannot create a cgroup (not root, or read-only)");
        auto write = [](const QString& path, const QByteArray& text) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
        };
        const bool quotaSet = v2 ? write(group + "/cpu.max", "50000 100000") : write(group + "/cpu.cfs_quota_us", "50000");
        QString out;
        if (quotaSet) {
            QProcess p;
            p.start("sh", {"-c", QString("echo $$ > %1/cgroup.procs && exec %2 info").arg(group, LOGBERT_CLI_PATH)});
            p.waitForFinished(60000);
            out = p.readAllStandardOutput() + p.readAllStandardError();
        }
        QDir().rmdir(group);
        if (!quotaSet) QSKIP("SKIP: cannot set a CPU quota");
        QVERIFY2(out.contains("threads: auto would use 1 now (auto: cgroup CPU quota 0.50 CPUs"), qPrintable(out));
    }

    /// libgomp reads GOMP_SPINCOUNT in its constructor; the executables set it before that.
    void executablesSetTheOpenMpWaitPolicy() {
        if (qEnvironmentVariableIsSet("OMP_WAIT_POLICY")) QSKIP("SKIP: OMP_WAIT_POLICY is set by the user");
        QCOMPARE(qgetenv("GOMP_SPINCOUNT"), QByteArray(kOpenMpSpinCount));
        const QString note = QString::fromStdString(openMpWaitPolicyNote());
        QVERIFY2(note.startsWith("GOMP_SPINCOUNT=10000 (logbert's default"), qPrintable(note));

        // The user's choice wins, and the variable the program lent its slot to comes back.
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("GOMP_SPINCOUNT");
        env.remove(kOpenMpDefaultsMarker);
        env.insert("OMP_WAIT_POLICY", "passive");
        p.setProcessEnvironment(env);
        p.start(LOGBERT_CLI_PATH, {"info"});
        QVERIFY(p.waitForFinished(60000));
        QString out = p.readAllStandardOutput();
        QVERIFY2(out.contains("OpenMP wait policy: OMP_WAIT_POLICY=passive (from the environment)"), qPrintable(out));
        env.remove("OMP_WAIT_POLICY");
        env.insert("_", "/usr/bin/logbert-test-marker");
        p.setProcessEnvironment(env);
        p.start(LOGBERT_CLI_PATH, {"info"});
        QVERIFY(p.waitForFinished(60000));
        out = p.readAllStandardOutput();
        QVERIFY2(out.contains("OpenMP wait policy: GOMP_SPINCOUNT=10000 (logbert's default"), qPrintable(out));
    }

    void slotLentToTheSpinCountIsGivenBack() {
        // This test process was started with the slot lent: every variable it was given is here.
        QProcess p;
        QProcessEnvironment env;
        env.insert("FIRST", "1");
        env.insert("_", "/the/last/command");
        env.insert("LAST", "2");
        p.setProcessEnvironment(env);
        p.start(QCoreApplication::applicationFilePath(), {"printEnvironment"});
        QVERIFY(p.waitForFinished(60000));
        const QString out = p.readAllStandardOutput();
        for (const char* line : {"FIRST=1\n", "_=/the/last/command\n", "LAST=2\n", "GOMP_SPINCOUNT=10000\n"})
            QVERIFY2(out.contains(line), qPrintable(out));
    }
};

int main(int argc, char** argv) {
    // The child of slotLentToTheSpinCountIsGivenBack: print the environment main() sees.
    if (argc == 2 && std::string(argv[1]) == "printEnvironment") {
        for (char** e = environ; *e; ++e) std::printf("%s\n", *e);
        return 0;
    }
    QCoreApplication app(argc, argv);
    TestThreadPolicy t;
    return QTest::qExec(&t, argc, argv);
}

#include "test_thread_policy.moc"
