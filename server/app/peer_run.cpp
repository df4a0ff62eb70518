#include "app/peer_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "base/log.h"
#include "base/unique_fd.h"
#include "loop/event_loop.h"
#include "registry/ports.h"

namespace app {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

int g_signal_pipe = -1;  // write end, for the handler

// Two bytes per signal: its number, and 1 when a process sent it (kill),
// 0 when the kernel did (the terminal's Ctrl+C, which CMD got as well).
void on_signal(int signo, siginfo_t* info, void*) {
    const int saved = errno;
    const unsigned char bytes[2] = {static_cast<unsigned char>(signo),
                                    static_cast<unsigned char>(info && info->si_pid != 0 ? 1 : 0)};
    [[maybe_unused]] ssize_t n = ::write(g_signal_pipe, bytes, sizeof bytes);
    errno = saved;
}

Status install_handlers(int write_end) {
    g_signal_pipe = write_end;
    struct sigaction action {};
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int signo : kForwarded)
        if (::sigaction(signo, &action, nullptr) != 0) return sys_error("sigaction");
    if (::sigaction(SIGCHLD, &action, nullptr) != 0) return sys_error("sigaction(SIGCHLD)");
    return Ok{};
}

int shell_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

// Starts the command; its exec error, if any, comes back through a
// close-on-exec pipe so that "no such command" is our message, not a guess.
pid_t start(const std::vector<std::string>& command, std::string* error) {
    int report[2];
    if (::pipe(report) != 0) {
        *error = sys_error("pipe").message;
        return -1;
    }
    ::fcntl(report[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(report[1], F_SETFD, FD_CLOEXEC);
    std::vector<char*> argv;
    for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        struct sigaction fallback {};
        fallback.sa_handler = SIG_DFL;
        for (int signo : kForwarded) ::sigaction(signo, &fallback, nullptr);
        ::sigaction(SIGCHLD, &fallback, nullptr);
        ::execvp(argv[0], argv.data());
        const int code = errno;
        [[maybe_unused]] ssize_t n = ::write(report[1], &code, sizeof code);
        ::_exit(127);
    }
    ::close(report[1]);
    if (pid < 0) {
        *error = sys_error("fork").message;
        ::close(report[0]);
        return -1;
    }
    int code = 0;
    ssize_t got;
    do got = ::read(report[0], &code, sizeof code);
    while (got < 0 && errno == EINTR);
    ::close(report[0]);
    if (got == sizeof code) {
        *error = command[0] + ": " + std::strerror(code);
        ::waitpid(pid, nullptr, 0);
        return -1;
    }
    return pid;
}

// The entries this run wrote, by port.
class Registered {
public:
    Registered(registry::Store& store, const EntryLabels& labels) : store_(store), labels_(labels) {}

    // Brings the registry in line with what the tree listens on now.
    bool sync(const std::vector<registry::ListeningPort>& now) {
        bool changed = false;
        for (auto it = ids_.begin(); it != ids_.end();) {
            const bool still = std::any_of(now.begin(), now.end(), [&](const auto& p) { return p.port == it->first; });
            if (still) {
                ++it;
                continue;
            }
            remove(it->second, it->first);
            it = ids_.erase(it);
            changed = true;
        }
        for (const registry::ListeningPort& listening : now) {
            if (ids_.count(listening.port)) continue;
            json::Value entry = make_entry(labels_, listening.port, listening.pid);
            const std::string id = entry.find("id")->as_string();
            const std::string url = entry.find("url")->as_string();
            if (Status st = registry::register_entry(store_, std::move(entry)); !st.ok()) {
                base::info("peer-plan: cannot register port " + std::to_string(listening.port) + " in " +
                           store_.path() + ": " + st.error().message);
                continue;  // tried again at the next scan
            }
            base::info("peer-plan: registered " + id + " " + url + " (pid " + std::to_string(listening.pid) + ")");
            ids_[listening.port] = id;
            changed = true;
        }
        return changed;
    }

    void remove_all() {
        for (const auto& [port, id] : ids_) remove(id, port);
        ids_.clear();
    }

private:
    void remove(const std::string& id, uint16_t port) {
        if (Status st = registry::unregister_entry(store_, id); !st.ok())
            base::info("peer-plan: cannot remove " + id + " from " + store_.path() + ": " + st.error().message);
        else
            base::info("peer-plan: removed " + id + " (port " + std::to_string(port) + ")");
    }

    registry::Store& store_;
    const EntryLabels& labels_;
    std::map<uint16_t, std::string> ids_;
};

}  // namespace

int run_and_register(registry::Store& store, const EntryLabels& labels, const std::vector<std::string>& command) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return base::info(sys_error("peer-plan: pipe").message), 1;
    UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    for (int fd : pipe_fds) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::fcntl(fd, F_SETFL, O_NONBLOCK);
    }
    if (Status st = install_handlers(write_end.get()); !st.ok()) return base::info("peer-plan: " + st.error().message), 1;

    std::string error;
    const pid_t child = start(command, &error);
    if (child < 0) {
        base::info("peer-plan: cannot run " + error);
        return 127;
    }
    Registered registered(store, labels);
    int64_t delay = kPollFastMs;
    int64_t last_change = loop::monotonic_ms();
    for (;;) {
        pollfd p{read_end.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(delay));
        if (ready > 0) {
            unsigned char bytes[64];
            ssize_t got;
            while ((got = ::read(read_end.get(), bytes, sizeof bytes)) > 0) {
                for (ssize_t i = 0; i + 1 < got; i += 2)
                    if (bytes[i] != SIGCHLD && bytes[i + 1]) ::kill(child, bytes[i]);
            }
        }
        int status = 0;
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) {
            registered.remove_all();
            return shell_status(status);
        }
        if (ready > 0) continue;  // a signal: scan on the timer, not at every SIGWINCH
        const int64_t now = loop::monotonic_ms();
        if (registered.sync(registry::listening_ports(child))) last_change = now;
        delay = now - last_change < kFastWindowMs ? kPollFastMs : std::min(delay * 2, kPollMaxMs);
    }
}

}  // namespace app
