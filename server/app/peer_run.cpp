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
#include <memory>
#include <optional>
#include <set>

#include "app/one_shot.h"
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

// The entries this run keeps, by port: one Announcer each (the file, or an
// etcd lease of its own), made when the port appears and stopped when it goes.
class Registered {
public:
    Registered(loop::EventLoop& loop, const RegistryFlags& registry, const EntryLabels& labels)
        : loop_(loop), registry_(registry), labels_(labels) {}

    // Brings the registry in line with what the tree listens on now.
    bool sync(const std::vector<registry::ListeningPort>& now) {
        bool changed = false;
        for (auto it = ports_.begin(); it != ports_.end();) {
            const bool still = std::any_of(now.begin(), now.end(), [&](const auto& p) { return p.port == it->first; });
            if (still && !it->second.failed) {
                ++it;
                continue;
            }
            if (!it->second.failed) remove(it->first, it->second);
            it = ports_.erase(it);  // a failed one is tried again below
            changed = true;
        }
        for (const registry::ListeningPort& listening : now) {
            if (ports_.count(listening.port)) continue;
            auto announcer = make_announcer(registry_, loop_);
            if (!announcer.ok()) return base::info("peer-plan: " + announcer.error().message), changed;
            json::Value entry = make_entry(labels_, listening.port, listening.pid);
            Port& port = ports_[listening.port];
            port.id = entry.find("id")->as_string();
            port.announcer = std::move(announcer.value());
            const uint16_t number = listening.port;
            const std::string line = port.id + " " + entry.find("url")->as_string() + " (pid " +
                                     std::to_string(listening.pid) + ")";
            port.announcer->start(std::move(entry), {}, [this, number, line](Status st) {
                auto it = ports_.find(number);
                if (it == ports_.end()) return;
                if (st.ok()) return base::info("peer-plan: registered " + line);
                it->second.failed = true;  // tried again at the next scan, said once
                if (said_failing_.insert(number).second)
                    base::info("peer-plan: cannot register port " + std::to_string(number) + ": " + st.error().message);
            });
            changed = true;
        }
        return changed;
    }

    // Removes every entry, then `done` (etcd: once every lease is revoked).
    void remove_all(std::function<void()> done) {
        for (auto& [number, port] : ports_)
            if (!port.failed) remove(number, port);
        ports_.clear();
        all_gone_ = std::move(done);
        if (leaving_.empty()) all_gone_();
    }

private:
    struct Port {
        std::string id;
        std::unique_ptr<Announcer> announcer;
        bool failed = false;
    };

    void remove(uint16_t number, Port& port) {
        Announcer* announcer = leaving_.emplace_back(std::move(port.announcer)).get();
        announcer->stop([this, announcer, id = port.id, number] {
            if (Status st = announcer->finish(); !st.ok())
                base::info("peer-plan: " + st.error().message);
            else
                base::info("peer-plan: removed " + id + " (port " + std::to_string(number) + ")");
            loop_.defer([this, announcer] {
                std::erase_if(leaving_, [&](const auto& a) { return a.get() == announcer; });
                if (leaving_.empty() && all_gone_) all_gone_();
            });
        });
    }

    loop::EventLoop& loop_;
    const RegistryFlags& registry_;
    const EntryLabels& labels_;
    std::map<uint16_t, Port> ports_;
    std::vector<std::unique_ptr<Announcer>> leaving_;  // stopping: kept until done
    std::set<uint16_t> said_failing_;
    std::function<void()> all_gone_;
};

// The signal pipe, on the loop: forwards what others sent, notices CMD's exit.
class SignalPipe final : public loop::Handler {
public:
    SignalPipe(int fd, pid_t child, std::function<void()> check_exit)
        : fd_(fd), child_(child), check_exit_(std::move(check_exit)) {}
    void on_event(const loop::Event&) noexcept override {
        unsigned char bytes[64];
        ssize_t got;
        bool child_signal = false;
        while ((got = ::read(fd_, bytes, sizeof bytes)) > 0) {
            for (ssize_t i = 0; i + 1 < got; i += 2) {
                if (bytes[i] == SIGCHLD) child_signal = true;
                else if (bytes[i + 1]) ::kill(child_, bytes[i]);
            }
        }
        if (child_signal) check_exit_();
    }

private:
    int fd_;
    pid_t child_;
    std::function<void()> check_exit_;
};

}  // namespace

int run_and_register(const RegistryFlags& registry, const EntryLabels& labels, const std::vector<std::string>& command) {
    auto loop = loop::EventLoop::create();
    if (!loop.ok()) return base::info("peer-plan: " + loop.error().message), 1;
    if (auto announcer = make_announcer(registry, loop.value()); !announcer.ok())
        return base::info("peer-plan: " + announcer.error().message), 2;
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
    Registered registered(loop.value(), registry, labels);
    OneShot scan_timer(loop.value());
    int64_t delay = kPollFastMs;
    int64_t last_change = loop::monotonic_ms();
    std::optional<int> exit_status;
    auto check_exit = [&] {
        int status = 0;
        if (exit_status || ::waitpid(child, &status, WNOHANG) != child) return;
        exit_status = shell_status(status);
        scan_timer.cancel();
        registered.remove_all([&] { loop.value().stop(); });
    };
    std::function<void()> scan = [&] {
        check_exit();
        if (exit_status) return;
        const int64_t now = loop::monotonic_ms();
        if (registered.sync(registry::listening_ports(child))) last_change = now;
        delay = now - last_change < kFastWindowMs ? kPollFastMs : std::min(delay * 2, kPollMaxMs);
        scan_timer.arm(delay, scan);
    };
    SignalPipe signals(read_end.get(), child, check_exit);
    if (Status st = loop.value().watch(read_end.get(), loop::kReadable, &signals); !st.ok()) {
        ::kill(child, SIGTERM);
        ::waitpid(child, nullptr, 0);
        return base::info("peer-plan: " + st.error().message), 1;
    }
    scan_timer.arm(kPollFastMs, scan);
    check_exit();  // it may have exited before the pipe was watched
    Status ran = loop.value().run();
    loop.value().forget(read_end.get());
    if (!ran.ok()) base::info("peer-plan: " + ran.error().message);
    return exit_status.value_or(1);
}

}  // namespace app
