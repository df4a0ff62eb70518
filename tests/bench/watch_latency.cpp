// How fast a change reaches the watchers of registry-http's watch socket
// (issue 11, item 7): registry-http is started on a temporary registry, N
// watchers subscribe, and each round (1) registers a live process (the
// registry file replaced by rename) and (2) kills it with SIGKILL (the file
// keeps its entry); the time from the rename, or the kill, to the diff read
// by every watcher is recorded. Prints one line:
//   kind=watch watchers=N changes=M register_p50_ms=.. register_p99_ms=..
//   kill_p50_ms=.. kill_p99_ms=.. cpu_us_per_change=.. poll_p50_ms=2500 poll_p99_ms=4950
// (the last two: what polling every 5 s gives, a change seen after a uniform
// 0-5 s wait). CPU is registry-http's utime + stime over all changes, divided
// by their number. Linux only, like the rest of the benchmark.
//   watch_latency REGISTRY_HTTP WATCHERS ROUNDS
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/bench/proc_stats.h"
#include "tests/support/ws_frames.h"

namespace {

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "watch_latency: %s\n", message.c_str());
    std::exit(1);
}

void replace_file(const std::string& path, const std::string& text) {
    const std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << text;
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) die("rename: " + std::string(std::strerror(errno)));
}

struct Watcher {
    int fd = -1;
    std::string bytes;
    size_t frames = 0;
};

int connect_watcher(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        die("connect: " + std::string(std::strerror(errno)));
    const std::string request = "GET /api/registry/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Sec-WebSocket-Version: 13\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) die("send");
    return fd;
}

// Reads until every watcher holds `want` frames beyond the 101 head; returns
// when the last one completed, in ns.
int64_t wait_frames(int epoll_fd, std::vector<Watcher>& watchers, size_t want) {
    size_t done = 0;
    for (const Watcher& w : watchers) done += w.frames >= want;
    int64_t last = now_ns();
    epoll_event ready[256];
    while (done < watchers.size()) {
        const int n = ::epoll_wait(epoll_fd, ready, 256, 10'000);
        if (n == 0) die("no diff within 10 s");
        for (int i = 0; i < n; ++i) {
            Watcher& w = watchers[ready[i].data.u32];
            char chunk[65536];
            const ssize_t got = ::recv(w.fd, chunk, sizeof chunk, 0);
            if (got <= 0) die("a watcher was closed");
            w.bytes.append(chunk, static_cast<size_t>(got));
            const bool before = w.frames >= want;
            size_t head_end = w.bytes.find("\r\n\r\n");
            if (w.bytes.starts_with("HTTP/1.1 101") && head_end != std::string::npos) w.bytes.erase(0, head_end + 4);
            size_t used = 0;
            w.frames += support::parse_server_frames(w.bytes, &used).size();
            w.bytes.erase(0, used);
            if (!before && w.frames >= want) {
                ++done;
                last = now_ns();
            }
        }
    }
    return last;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t at = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(at, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: watch_latency REGISTRY_HTTP WATCHERS ROUNDS\n");
        return 2;
    }
    const std::string program = argv[1];
    const size_t watcher_count = std::strtoul(argv[2], nullptr, 10);
    const int rounds = std::atoi(argv[3]);
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::signal(SIGPIPE, SIG_IGN);

    std::string folder = (std::filesystem::temp_directory_path() / "watch-latency-XXXXXX").string();
    if (::mkdtemp(folder.data()) == nullptr) die("mkdtemp");
    const std::string registry = folder + "/servers.json", web = folder + "/web";
    ::mkdir(web.c_str(), 0755);
    std::ofstream(web + "/index.html") << "<!doctype html>\n";

    int out[2];
    if (::pipe(out) != 0) die("pipe");
    const pid_t server = ::fork();
    if (server == 0) {
        ::dup2(out[1], 1);
        ::execl(program.c_str(), program.c_str(), "--port", "0", "--registry", registry.c_str(), "--web", web.c_str(),
                "--watch-heartbeat", "3600s", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    for (char c; line.find('\n') == std::string::npos && ::read(out[0], &c, 1) == 1;) line += c;
    const size_t at = line.find("127.0.0.1:");
    if (at == std::string::npos) die("registry-http did not start: " + line);
    const auto port = static_cast<uint16_t>(std::atoi(line.c_str() + at + 10));

    const int epoll_fd = ::epoll_create1(0);
    std::vector<Watcher> watchers(watcher_count);
    for (size_t i = 0; i < watcher_count; ++i) {
        watchers[i].fd = connect_watcher(port);
        ::fcntl(watchers[i].fd, F_SETFL, O_NONBLOCK);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = static_cast<uint32_t>(i);
        ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, watchers[i].fd, &ev);
    }
    size_t want = 1;  // the snapshot
    wait_frames(epoll_fd, watchers, want);

    std::vector<double> register_ms, kill_ms;
    const int64_t cpu_before = bench::sample_process(server).cpu_ns;
    for (int round = 0; round < rounds; ++round) {
        const pid_t child = ::fork();
        if (child == 0) {
            for (;;) ::pause();
        }
        const std::string entry = "{\"id\": \"bench-" + std::to_string(round) + "\", \"port\": 1, \"pid\": " +
                                  std::to_string(child) + ", \"startedAt\": \"2100-01-01T00:00:00.000Z\"}";
        int64_t start = now_ns();
        replace_file(registry, "{\"servers\": [" + entry + "]}\n");
        register_ms.push_back(static_cast<double>(wait_frames(epoll_fd, watchers, ++want) - start) / 1e6);
        start = now_ns();
        ::kill(child, SIGKILL);
        kill_ms.push_back(static_cast<double>(wait_frames(epoll_fd, watchers, ++want) - start) / 1e6);
        ::waitpid(child, nullptr, 0);
    }
    const int64_t cpu_after = bench::sample_process(server).cpu_ns;

    std::printf("kind=watch watchers=%zu changes=%d register_p50_ms=%.2f register_p99_ms=%.2f kill_p50_ms=%.2f "
                "kill_p99_ms=%.2f cpu_us_per_change=%.1f poll_p50_ms=2500 poll_p99_ms=4950\n",
                watcher_count, 2 * rounds, percentile(register_ms, 0.5), percentile(register_ms, 0.99),
                percentile(kill_ms, 0.5), percentile(kill_ms, 0.99),
                static_cast<double>(cpu_after - cpu_before) / 1e3 / (2.0 * rounds));
    for (Watcher& w : watchers) ::close(w.fd);
    ::kill(server, SIGTERM);
    ::waitpid(server, nullptr, 0);
    std::filesystem::remove_all(folder);
    return 0;
}
