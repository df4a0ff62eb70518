// Test support for the integration tests: real binaries started on port 0
// with a temporary registry, and a blocking loopback client that speaks just
// enough HTTP and WebSocket to check exact bytes. Every wait is bounded.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/unique_fd.h"
#include "tests/support/ws_frames.h"

namespace harness {

constexpr int kWaitMs = 10'000;  // upper bound on any single wait; tests never sleep

// A folder under $TMPDIR, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

private:
    std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view content);
std::string bin(std::string_view name);  // $PEER_PLAN_BIN_DIR/<name>, default ./<name>

// A child process with stdout and stderr captured. Killed (SIGKILL) and
// reaped on destruction if still running.
// Starts `program` with `args`, its stdout and stderr on `out` and `err`, no
// other descriptor of ours open in it, and no PEER_PLAN_REGISTRY (tests pass
// --registry). Returns the pid, or -1 if fork failed.
pid_t spawn(const std::string& program, const std::vector<std::string>& args, int out, int err);

class Process {
public:
    Process(const std::string& program, const std::vector<std::string>& args);
    Process(Process&& other) noexcept;
    ~Process();
    pid_t pid() const { return pid_; }
    // Reads stdout until a line containing `needle`; returns that line.
    std::optional<std::string> wait_for_line(std::string_view needle, int timeout_ms = kWaitMs);
    // The same on stderr.
    std::optional<std::string> wait_for_stderr_line(std::string_view needle, int timeout_ms = kWaitMs);
    // The same on stderr, each line found once: successive calls find
    // successive lines (peer-plan run reports every entry there).
    std::optional<std::string> wait_for_err_line(std::string_view needle, int timeout_ms = kWaitMs);
    void signal(int signo);
    // Waits for exit; returns the exit status (or 128+signal), nullopt on timeout.
    std::optional<int> wait_exit(int timeout_ms = kWaitMs);
    std::string stdout_text();  // all stdout read so far (and what is ready now)
    std::string stderr_text();  // reads the rest of stderr (call after exit)

private:
    void pump(int timeout_ms);
    std::optional<std::string> wait_for(const std::string& text, std::string_view needle, int timeout_ms);
    pid_t pid_ = -1;
    UniqueFd out_, err_;
    std::string out_text_, err_text_;
    size_t err_searched_ = 0;
    bool exited_ = false;
    int status_ = 0;
};

// A program run to its end (bounded by kWaitMs): exit status (-1 if it did
// not end in time), all of its stdout and stderr.
struct Ran {
    int code = -1;
    std::string out, err;
};
Ran run_to_end(const std::string& program, const std::vector<std::string>& args);

// ws-server started with `registry` and extra args; port parsed from its
// "listening on port N" line (0 if it never came).
struct WsServer {
    Process process;
    uint16_t port = 0;
    std::string id;
};
WsServer start_ws_server(const std::string& registry, std::vector<std::string> extra = {});

// registry-http on port 0 serving `registry` and the folder `web`.
struct HttpServer {
    Process process;
    uint16_t port = 0;
};
HttpServer start_registry_http(const std::string& registry, const std::string& web,
                               std::vector<std::string> extra = {});
// One request on a fresh connection; the whole response.
std::string http_get(uint16_t port, std::string_view target, std::string_view extra_headers = {},
                     std::string_view method = "GET");

// ---- blocking loopback client ----
UniqueFd connect_to(uint16_t port);
bool send_all(int fd, std::string_view bytes);
// Reads until `n` bytes arrived, EOF or timeout; returns what came.
std::string recv_exact(int fd, size_t n, int timeout_ms = kWaitMs);
// Reads up to and including "\r\n\r\n" of an HTTP head, then `Content-Length` bytes.
std::string recv_http_response(int fd, int timeout_ms = kWaitMs);
// Everything the peer sends until it closes (EOF or reset); `closed` is
// false when the bound passed first.
struct UntilClosed {
    std::string bytes;
    bool closed = false;
};
UntilClosed read_until_closed(int fd, int timeout_ms = kWaitMs);
// True when the peer closed (EOF or reset) within the timeout.
bool wait_closed(int fd, int timeout_ms = kWaitMs);
int http_status(std::string_view response);
std::string http_body(std::string_view response);
// The value of the first header `name` (case-insensitive) in a response head,
// or nullopt when it is not there.
std::optional<std::string> http_header(std::string_view response, std::string_view name);

// The lines of `text` (without their '\n'), for asserting a whole line of a
// program's output: EXPECT_TRUE(has_line(err, "...")) << err.
std::vector<std::string> lines_of(std::string_view text);
bool has_line(std::string_view text, std::string_view line);

// WebSocket client bits.
std::string upgrade_request(uint16_t port, std::string_view extra_headers = {});
UniqueFd ws_connect(uint16_t port);  // handshake done, or an empty fd on failure
// Frames as bytes: tests/support/ws_frames.h.
using support::Frame;
using support::masked_frame;
using support::unmasked_frames;
// One server frame read from `fd`; !ok on EOF, timeout or a masked frame.
Frame read_frame(int fd, int timeout_ms = kWaitMs);
// Reads frames until a close frame; returns its code (1005 if empty, 0 if none came).
uint16_t read_close_code(int fd, std::string* reason = nullptr);

}  // namespace harness
