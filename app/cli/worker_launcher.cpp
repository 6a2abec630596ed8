// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/worker_launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

#include "engine/core/errors.h"

namespace logbert::cli {
namespace {

std::atomic<int> g_forwardSignal{0};

extern "C" void rememberSignal(int signal) { g_forwardSignal.store(signal); }

/// A port nobody listens on right now (the kernel's choice), for rank 0's store.
int freeLocalPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error(std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t length = sizeof addr;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno));
    return ntohs(addr.sin_port);
}

std::string thisExecutable() {
    char path[PATH_MAX] = {};
#if defined(__APPLE__)
    uint32_t size = sizeof path;
    if (_NSGetExecutablePath(path, &size) == 0) return path;
#else
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n > 0) return std::string(path, std::size_t(n));
#endif
    throw std::runtime_error("cannot find this program's own path to start its workers");
}

struct Worker {
    pid_t pid = -1;
    int rank = 0;
    bool running = true;
    int exitCode = 0;
};

pid_t startWorker(const std::string& program, const std::vector<std::string>& args, int rank, int count, int port) {
    std::vector<std::string> argv{program, "train"};
    argv.insert(argv.end(), args.begin(), args.end());
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("cannot start a worker: ") + std::strerror(errno));
    if (pid > 0) return pid;
    // The worker: its own process group, so that a terminal's Ctrl-C reaches the launcher only
    // (which forwards it once; a second one would stop the worker without its checkpoint).
    ::setpgid(0, 0);
    ::setenv("RANK", std::to_string(rank).c_str(), 1);
    ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
    ::setenv("WORLD_SIZE", std::to_string(count).c_str(), 1);
    ::setenv("LOCAL_WORLD_SIZE", std::to_string(count).c_str(), 1);
    ::setenv("MASTER_ADDR", "127.0.0.1", 1);
    ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
    ::setenv("LOGBERT_LAUNCHER", "logbert --nproc", 1);
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execv(program.c_str(), raw.data());
    std::fprintf(stderr, "logbert train: cannot start worker %d: %s\n", rank, std::strerror(errno));
    std::_Exit(1);
}

int exitCodeOf(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

std::string describeExit(int status) {
    if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

void signalAll(std::vector<Worker>& workers, int signal) {
    for (auto& w : workers)
        if (w.running) ::kill(w.pid, signal);
}

} // namespace

int launchLocalWorkers(int count, const std::vector<std::string>& args) {
    const std::string program = thisExecutable();
    const int port = freeLocalPort();
    struct sigaction action {}, oldInt{}, oldTerm{};
    action.sa_handler = rememberSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &oldInt);
    ::sigaction(SIGTERM, &action, &oldTerm);

    std::vector<Worker> workers;
    for (int rank = 0; rank < count; ++rank) workers.push_back({startWorker(program, args, rank, count, port), rank});
    std::fprintf(stderr, "started %d workers (ranks 0-%d, rendezvous 127.0.0.1:%d); rank 0 reports\n", count, count - 1, port);

    using Clock = std::chrono::steady_clock;
    int result = 0, running = count;
    bool forwarded = false;
    std::optional<Clock::time_point> killAt; // after a failure, the others get this long to stop
    while (running > 0) {
        if (const int signal = g_forwardSignal.exchange(0); signal && !forwarded) {
            forwarded = true;
            signalAll(workers, signal);
        } else if (signal && forwarded) {
            signalAll(workers, SIGKILL); // a second Ctrl-C: stop now
        }
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (auto& w : workers) {
                if (w.pid != pid) continue;
                w.running = false;
                w.exitCode = exitCodeOf(status);
                --running;
                if (w.exitCode != 0 && result == 0) {
                    result = WIFSIGNALED(status) ? 1 : w.exitCode;
                    if (running > 0 && !(forwarded && w.exitCode == 130)) {
                        std::fprintf(stderr, "logbert train: rank %d %s; stopping the other ranks\n", w.rank, describeExit(status).c_str());
                        signalAll(workers, SIGTERM);
                        killAt = Clock::now() + std::chrono::seconds(30);
                    }
                }
            }
            continue;
        }
        if (killAt && Clock::now() > *killAt) {
            signalAll(workers, SIGKILL);
            killAt.reset();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
    return result;
}

} // namespace logbert::cli
