#include "child.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "../integration/harness.h"

namespace load {

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void pause_ms(int ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
    ::nanosleep(&ts, nullptr);
}

}  // namespace

bool sanitized() {
    const char* flag = std::getenv("LOAD_SANITIZED");
    return flag && *flag && std::strcmp(flag, "0") != 0;
}

void raise_fd_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

Child::Child(const std::string& program, const std::vector<std::string>& args, const std::string& log_prefix)
    : out_path_(log_prefix + ".out"), err_path_(log_prefix + ".err") {
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0 || err < 0) {
        std::perror(log_prefix.c_str());
        return;
    }
    pid_ = harness::spawn(program, args, out, err);
    ::close(out);
    ::close(err);
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_path_(std::move(other.out_path_)),
      err_path_(std::move(other.err_path_)),
      exited_(other.exited_),
      status_(other.status_) {}

Child::~Child() {
    if (pid_ <= 0 || exited_) return;
    // SIGTERM first, so that a sanitizer build runs its leak check at exit.
    ::kill(pid_, SIGTERM);
    if (wait_exit(10'000)) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
}

std::optional<std::string> Child::wait_for_line(std::string_view needle, int timeout_ms) {
    int64_t deadline = monotonic_ms() + timeout_ms;
    while (true) {
        std::string text = out();
        size_t start = 0;
        for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
            std::string line = text.substr(start, nl - start);
            if (line.find(needle) != std::string::npos) return line;
        }
        if (monotonic_ms() >= deadline || pid_ <= 0) return std::nullopt;
        if (!exited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
        if (exited_) return std::nullopt;
        pause_ms(5);
    }
}

void Child::signal(int signo) {
    if (pid_ > 0 && !exited_) ::kill(pid_, signo);
}

std::optional<int> Child::wait_exit(int timeout_ms) {
    int64_t deadline = monotonic_ms() + timeout_ms;
    while (!exited_ && pid_ > 0) {
        if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
            exited_ = true;
            break;
        }
        if (monotonic_ms() >= deadline) return std::nullopt;
        pause_ms(5);
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

std::string Child::out() const { return slurp(out_path_); }
std::string Child::err() const { return slurp(err_path_); }

bool parse_listening_line(std::string_view line, std::string* id, uint16_t* port) {
    size_t close = line.find(']');
    size_t space = line.rfind(' ');
    if (line.empty() || line[0] != '[' || close == std::string_view::npos || space == std::string_view::npos)
        return false;
    *id = std::string(line.substr(1, close - 1));
    *port = static_cast<uint16_t>(std::atoi(std::string(line.substr(space + 1)).c_str()));
    return *port != 0;
}

WsServer start_ws_server(const std::string& log_prefix, const std::string& registry, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--registry", registry, "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    const char* dir = std::getenv("PEER_PLAN_BIN_DIR");
    WsServer server{Child(std::string(dir && *dir ? dir : ".") + "/ws-server", args, log_prefix), 0, {}};
    if (auto line = server.child.wait_for_line("WebSocket server listening on port", 20'000))
        parse_listening_line(*line, &server.id, &server.port);
    return server;
}

Usage usage(pid_t pid) {
    Usage u;
    std::string proc = "/proc/" + std::to_string(pid);
    if (DIR* dir = ::opendir((proc + "/fd").c_str())) {
        u.fds = 0;
        while (dirent* entry = ::readdir(dir))
            if (entry->d_name[0] != '.') ++u.fds;
        ::closedir(dir);
    }
    std::string status = slurp(proc + "/status");
    if (size_t at = status.find("VmRSS:"); at != std::string::npos) u.rss_kib = std::atol(status.c_str() + at + 6);
    return u;
}

Usage wait_fds_at_most(pid_t pid, int fds, int timeout_ms) {
    int64_t deadline = monotonic_ms() + timeout_ms;
    Usage u = usage(pid);
    while (u.fds > fds && monotonic_ms() < deadline) {
        pause_ms(10);
        u = usage(pid);
    }
    return u;
}

std::string describe(const Usage& before, const Usage& after) {
    char line[160];
    std::snprintf(line, sizeof line, "fds %d -> %d, VmRSS %ld -> %ld KiB (%+ld KiB)", before.fds, after.fds,
                  before.rss_kib, after.rss_kib, after.rss_kib - before.rss_kib);
    return line;
}

PeakSampler::PeakSampler(pid_t pid) : pid_(pid) {
    thread_ = std::thread([this] {
        while (!stop_) {
            Usage u = usage(pid_);
            if (u.fds > peak_fds_) peak_fds_ = u.fds;
            if (u.rss_kib > peak_rss_) peak_rss_ = u.rss_kib;
            pause_ms(20);
        }
    });
}

PeakSampler::~PeakSampler() { peak(); }

Usage PeakSampler::peak() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return Usage{peak_fds_, peak_rss_};
}

}  // namespace load
