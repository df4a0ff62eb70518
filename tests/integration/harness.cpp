#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/ascii.h"
#include "loop/event_loop.h"

namespace harness {

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/peer-plan-test-XXXXXX";
    char* made = ::mkdtemp(templ.data());
    path_ = made ? made : "";
}

TempDir::~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::string& path, std::string_view content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

std::string bin(std::string_view name) {
    const char* dir = std::getenv("PEER_PLAN_BIN_DIR");
    return std::string(dir && *dir ? dir : ".") + "/" + std::string(name);
}

pid_t spawn(const std::string& program, const std::vector<std::string>& args, int out, int err) {
    pid_t pid = ::fork();
    if (pid != 0) return pid;
    ::dup2(out, 1);
    ::dup2(err, 2);
    // A test may hold thousands of sockets: none may leak into the child.
    if (::close_range(3, ~0U, 0) != 0)
        for (int fd = 3; fd < 65536; ++fd) ::close(fd);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::unsetenv("PEER_PLAN_REGISTRY");
    ::execv(program.c_str(), argv.data());
    std::fprintf(stderr, "exec %s: %s\n", program.c_str(), std::strerror(errno));
    ::_exit(127);
}

Process::Process(const std::string& program, const std::vector<std::string>& args) {
    int out[2], err[2];
    if (::pipe(out) != 0 || ::pipe(err) != 0) return;
    pid_ = spawn(program, args, out[1], err[1]);
    ::close(out[1]);
    ::close(err[1]);
    out_.reset(out[0]);
    err_.reset(err[0]);
    ::fcntl(out[0], F_SETFL, O_NONBLOCK);
    ::fcntl(err[0], F_SETFL, O_NONBLOCK);
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)),
      out_text_(std::move(other.out_text_)),
      err_text_(std::move(other.err_text_)),
      err_searched_(other.err_searched_),
      exited_(other.exited_),
      status_(other.status_) {}

Process::~Process() {
    if (pid_ > 0 && !exited_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void Process::pump(int timeout_ms) {
    pollfd fds[2] = {{out_.get(), POLLIN, 0}, {err_.get(), POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) <= 0) return;
    for (auto [fd, text] : {std::pair{&out_, &out_text_}, std::pair{&err_, &err_text_}}) {
        if (!*fd) continue;
        char chunk[4096];
        ssize_t n = ::read(fd->get(), chunk, sizeof chunk);
        if (n > 0) text->append(chunk, static_cast<size_t>(n));
        else if (n == 0) fd->reset();
    }
}

std::optional<std::string> Process::wait_for_line(std::string_view needle, int timeout_ms) {
    return wait_for(out_text_, needle, timeout_ms);
}

std::optional<std::string> Process::wait_for_stderr_line(std::string_view needle, int timeout_ms) {
    return wait_for(err_text_, needle, timeout_ms);
}

std::optional<std::string> Process::wait_for(const std::string& text, std::string_view needle, int timeout_ms) {
    int64_t deadline = loop::monotonic_ms() + timeout_ms;
    size_t searched = 0;
    while (true) {
        for (size_t nl; (nl = text.find('\n', searched)) != std::string::npos; searched = nl + 1) {
            std::string line = text.substr(searched, nl - searched);
            if (line.find(needle) != std::string::npos) return line;
        }
        int64_t left = deadline - loop::monotonic_ms();
        if (left <= 0 || (!out_ && !err_)) return std::nullopt;
        pump(static_cast<int>(std::min<int64_t>(left, 100)));
    }
}

std::optional<std::string> Process::wait_for_err_line(std::string_view needle, int timeout_ms) {
    int64_t deadline = loop::monotonic_ms() + timeout_ms;
    while (true) {
        for (size_t nl; (nl = err_text_.find('\n', err_searched_)) != std::string::npos;) {
            std::string line = err_text_.substr(err_searched_, nl - err_searched_);
            err_searched_ = nl + 1;
            if (line.find(needle) != std::string::npos) return line;
        }
        int64_t left = deadline - loop::monotonic_ms();
        if (left <= 0 || (!out_ && !err_)) return std::nullopt;
        pump(static_cast<int>(std::min<int64_t>(left, 100)));
    }
}

void Process::signal(int signo) {
    if (pid_ > 0 && !exited_) ::kill(pid_, signo);
}

std::optional<int> Process::wait_exit(int timeout_ms) {
    int64_t deadline = loop::monotonic_ms() + timeout_ms;
    while (!exited_) {
        pid_t done = ::waitpid(pid_, &status_, WNOHANG);
        if (done == pid_) {
            exited_ = true;
            break;
        }
        if (loop::monotonic_ms() >= deadline) return std::nullopt;
        pump(20);  // keep the pipes drained so the child never blocks on them
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

std::string Process::stdout_text() {
    pump(0);
    return out_text_;
}

std::string Process::stderr_text() {
    for (int i = 0; i < 100 && err_; ++i) pump(50);
    return err_text_;
}

WsServer start_ws_server(const std::string& registry, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--registry", registry};
    args.insert(args.end(), extra.begin(), extra.end());
    WsServer server{Process(bin("ws-server"), args), 0, {}};
    auto line = server.process.wait_for_line("WebSocket server listening on port");
    if (!line) return server;
    server.port = static_cast<uint16_t>(std::stoi(line->substr(line->rfind(' ') + 1)));
    if (line->size() > 1 && (*line)[0] == '[') server.id = line->substr(1, line->find(']') - 1);
    return server;
}

HttpServer start_registry_http(const std::string& registry, const std::string& web, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--port", "0", "--registry", registry, "--web", web};
    args.insert(args.end(), extra.begin(), extra.end());
    HttpServer server{Process(bin("registry-http"), args), 0};
    auto line = server.process.wait_for_line("registry-http listening on http://127.0.0.1:");
    if (!line) return server;
    size_t at = line->find("127.0.0.1:") + 10;
    server.port = static_cast<uint16_t>(std::stoi(line->substr(at)));
    return server;
}

std::string http_get(uint16_t port, std::string_view target, std::string_view extra_headers,
                     std::string_view method) {
    UniqueFd fd = connect_to(port);
    std::string request = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: localhost:" +
                          std::to_string(port) + "\r\nConnection: close\r\n" + std::string(extra_headers) + "\r\n";
    if (!send_all(fd.get(), request)) return {};
    if (method == "HEAD") {
        std::string head;
        for (std::string more; (more = recv_exact(fd.get(), 1)).size() == 1;) head += more;
        return head;
    }
    return recv_http_response(fd.get());
}

UniqueFd connect_to(uint16_t port) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return UniqueFd();
    return fd;
}

bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

namespace {
// One recv with a poll timeout: >0 bytes, 0 on EOF, -1 on timeout or error.
ssize_t recv_some(int fd, char* into, size_t room, int64_t deadline) {
    int64_t left = deadline - loop::monotonic_ms();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return -1;
    ssize_t n = ::recv(fd, into, room, 0);
    return n < 0 ? (errno == ECONNRESET ? 0 : -1) : n;
}
}  // namespace

std::string recv_exact(int fd, size_t n, int timeout_ms) {
    int64_t deadline = loop::monotonic_ms() + timeout_ms;
    std::string got;
    char chunk[65536];
    while (got.size() < n) {
        ssize_t r = recv_some(fd, chunk, std::min(sizeof chunk, n - got.size()), deadline);
        if (r <= 0) break;
        got.append(chunk, r);
    }
    return got;
}

std::string recv_http_response(int fd, int timeout_ms) {
    int64_t deadline = loop::monotonic_ms() + timeout_ms;
    std::string got;
    char c;
    while (got.find("\r\n\r\n") == std::string::npos) {
        if (recv_some(fd, &c, 1, deadline) <= 0) return got;
        got += c;
    }
    size_t length = 0;
    std::string lower = got;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos)
        length = std::strtoul(got.c_str() + at + 17, nullptr, 10);
    return got + recv_exact(fd, length, static_cast<int>(std::max<int64_t>(deadline - loop::monotonic_ms(), 1)));
}

UntilClosed read_until_closed(int fd, int timeout_ms) {
    int64_t deadline = loop::monotonic_ms() + timeout_ms;
    UntilClosed out;
    char chunk[65536];
    while (true) {
        ssize_t n = recv_some(fd, chunk, sizeof chunk, deadline);
        if (n <= 0) {
            out.closed = n == 0;
            return out;
        }
        out.bytes.append(chunk, static_cast<size_t>(n));
    }
}

bool wait_closed(int fd, int timeout_ms) { return read_until_closed(fd, timeout_ms).closed; }

int http_status(std::string_view response) {
    if (response.size() < 12 || response.substr(0, 5) != "HTTP/") return 0;
    return std::atoi(std::string(response.substr(9, 3)).c_str());
}

std::string http_body(std::string_view response) {
    size_t at = response.find("\r\n\r\n");
    return at == std::string_view::npos ? std::string() : std::string(response.substr(at + 4));
}

std::optional<std::string> http_header(std::string_view response, std::string_view name) {
    std::string_view head = response.substr(0, response.find("\r\n\r\n"));
    for (size_t at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
        std::string_view line = head.substr(at + 2, head.find("\r\n", at + 2) - at - 2);
        size_t colon = line.find(':');
        if (colon != std::string_view::npos && base::iequals(line.substr(0, colon), name))
            return std::string(base::trim_ows(line.substr(colon + 1)));
    }
    return std::nullopt;
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        lines.emplace_back(text.substr(0, nl));
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    }
    return lines;
}

bool has_line(std::string_view text, std::string_view line) {
    for (const std::string& l : lines_of(text))
        if (l == line) return true;
    return false;
}

std::string upgrade_request(uint16_t port, std::string_view extra_headers) {
    return "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           std::string(extra_headers) + "\r\n";
}

UniqueFd ws_connect(uint16_t port) {
    UniqueFd fd = connect_to(port);
    if (!fd || !send_all(fd.get(), upgrade_request(port))) return UniqueFd();
    std::string response = recv_http_response(fd.get());
    if (http_status(response) != 101) return UniqueFd();
    return fd;
}

Frame read_frame(int fd, int timeout_ms) {
    Frame frame;
    std::string head = recv_exact(fd, 2, timeout_ms);
    if (head.size() < 2 || (head[1] & 0x80)) return frame;  // a server must not mask
    const size_t head_size = support::frame_head_size(static_cast<uint8_t>(head[1]));
    head += recv_exact(fd, head_size - 2, timeout_ms);
    if (head.size() != head_size) return frame;
    const uint64_t length = support::frame_payload_size(reinterpret_cast<const uint8_t*>(head.data()));
    frame.fin = (head[0] & 0x80) != 0;
    frame.opcode = head[0] & 0x0f;
    frame.payload = recv_exact(fd, length, timeout_ms);
    frame.ok = frame.payload.size() == length;
    return frame;
}

uint16_t read_close_code(int fd, std::string* reason) {
    for (int i = 0; i < 1000; ++i) {
        Frame frame = read_frame(fd);
        if (!frame.ok) return 0;
        if (frame.opcode == 8) return support::close_code(frame.payload, reason);
    }
    return 0;
}

Ran run_to_end(const std::string& program, const std::vector<std::string>& args) {
    Process p(program, args);
    Ran ran;
    ran.code = p.wait_exit().value_or(-1);
    ran.out = p.stdout_text();
    ran.err = p.stderr_text();
    return ran;
}

}  // namespace harness
