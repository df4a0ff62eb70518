// Processes and resource figures for the load tests. A started binary writes
// stdout and stderr to files, not pipes: a server that logs a line per
// connection would block on a pipe nobody drains while the test is busy
// being a thousand clients. Every wait is bounded.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"

namespace load {

using base::monotonic_ms;  // every wait and figure here is on the monotonic clock
void raise_fd_limit();
// $LOAD_SANITIZED is set (make leakcheck runs the sanitizer builds): memory
// figures are printed but not checked, ASan's shadow and quarantine are not growth.
bool sanitized();

class Child {
public:
    // Output goes to <log_prefix>.out and <log_prefix>.err.
    Child(const std::string& program, const std::vector<std::string>& args, const std::string& log_prefix);
    Child(Child&& other) noexcept;
    Child& operator=(Child&&) = delete;
    ~Child();  // if still running: SIGTERM, after 10 s SIGKILL; reaped

    pid_t pid() const { return pid_; }
    // The first stdout line containing `needle`, polling the file.
    std::optional<std::string> wait_for_line(std::string_view needle, int timeout_ms);
    void signal(int signo);
    // Exit status, or 128 + signal; nullopt on timeout.
    std::optional<int> wait_exit(int timeout_ms);
    bool exited() const { return exited_; }
    std::string out() const;
    std::string err() const;

private:
    pid_t pid_ = -1;
    std::string out_path_, err_path_;
    bool exited_ = false;
    int status_ = 0;
};

// A ws-server on port 0 with its port and id parsed from the listening line
// (port 0 when it never came).
struct WsServer {
    Child child;
    uint16_t port = 0;
    std::string id;
};
WsServer start_ws_server(const std::string& log_prefix, const std::string& registry,
                         std::vector<std::string> extra = {});
// Parses "[<id>] WebSocket server listening on port <port>".
bool parse_listening_line(std::string_view line, std::string* id, uint16_t* port);

// /proc/<pid>: open descriptors and resident memory.
struct Usage {
    int fds = -1;
    long rss_kib = -1;
};
Usage usage(pid_t pid);
// Polls until the process has at most `fds` descriptors open (connections
// are closed asynchronously after the clients go); returns the last figures.
Usage wait_fds_at_most(pid_t pid, int fds, int timeout_ms);
std::string describe(const Usage& before, const Usage& after);

// Samples a process's usage every 20 ms on a thread, keeping the peaks.
class PeakSampler {
public:
    explicit PeakSampler(pid_t pid);
    ~PeakSampler();  // stops the thread
    Usage peak();    // stops sampling and returns the highest figures seen

private:
    pid_t pid_;
    std::atomic<bool> stop_{false};
    std::atomic<int> peak_fds_{-1};
    std::atomic<long> peak_rss_{-1};
    std::thread thread_;
};

}  // namespace load
