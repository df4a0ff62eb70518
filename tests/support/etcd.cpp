#include "tests/support/etcd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "base/unique_fd.h"
#include "http/response_parser.h"
#include "websocket/base64.h"

namespace support {
namespace {

constexpr const char* kBuiltEtcd = "build/etcd/usr/bin/etcd";

sockaddr_in loopback(uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

bool wait_fd(int fd, short events, int64_t deadline_ms) {
    while (true) {
        int64_t left = deadline_ms - base::monotonic_ms();
        if (left <= 0) return false;
        pollfd p{fd, events, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left));
        if (rc > 0) return true;
        if (rc < 0 && errno != EINTR) return false;
    }
}

std::string json_string_field(std::string_view body, std::string_view name) {
    std::string needle = "\"" + std::string(name) + "\":\"";
    size_t at = body.find(needle);
    if (at == std::string_view::npos) return {};
    at += needle.size();
    size_t end = body.find('"', at);
    return end == std::string_view::npos ? std::string{} : std::string(body.substr(at, end - at));
}

}  // namespace

std::string etcd_binary() {
    const char* given = std::getenv("PEER_PLAN_ETCD");
    if (given && *given) return ::access(given, X_OK) == 0 ? given : "";
    return ::access(kBuiltEtcd, X_OK) == 0 ? kBuiltEtcd : "";
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && *ci;
}

std::string b64(std::string_view bytes) { return websocket::base64_encode(bytes); }

uint16_t free_port() {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address = loopback(0);
    if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 0;
    socklen_t length = sizeof address;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
    return ntohs(address.sin_port);
}

HttpReply http_call(uint16_t port, std::string_view method, std::string_view path, std::string_view body,
                    std::string_view token, int timeout_ms) {
    HttpReply reply;
    int64_t deadline = base::monotonic_ms() + timeout_ms;
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_in address = loopback(port);
    int rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
    if (rc != 0 && errno != EINPROGRESS) return {0, {}, std::string("connect: ") + std::strerror(errno)};
    if (!wait_fd(fd.get(), POLLOUT, deadline)) return {0, {}, "no connection in time"};
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return {0, {}, std::string("connect: ") + std::strerror(error)};
    std::string out = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                      std::to_string(port) + "\r\nConnection: close\r\n";
    if (!token.empty()) out += "Authorization: " + std::string(token) + "\r\n";
    if (method == "POST" || !body.empty()) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n" + std::string(body);
    size_t sent = 0;
    while (sent < out.size()) {
        ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n > 0) sent += static_cast<size_t>(n);
        else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_fd(fd.get(), POLLOUT, deadline)) return {0, {}, "send timed out"};
        } else return {0, {}, std::string("send: ") + std::strerror(errno)};
    }
    std::string in;
    while (true) {
        char buffer[16384];
        ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
        if (n > 0) in.append(buffer, static_cast<size_t>(n));
        else if (n == 0) break;
        else if (errno == EAGAIN || errno == EINTR) {
            if (!wait_fd(fd.get(), POLLIN, deadline)) return {0, {}, "no complete answer in time"};
        } else if (errno == ECONNRESET) break;
        else return {0, {}, std::string("recv: ") + std::strerror(errno)};
    }
    http::ResponseParser parser;
    parser.expect(method == "HEAD");
    std::string_view rest = in;
    while (true) {
        http::Step step = parser.next(rest);
        if (step.got == http::Got::head) reply.status = parser.response().status;
        if (step.got == http::Got::body) reply.body.append(step.body);
        if (step.got == http::Got::bad) return {0, {}, "bad response: " + http::describe(step)};
        rest.remove_prefix(step.consumed);
        if (step.got == http::Got::done) return reply;
        if (step.got == http::Got::need_more) {
            step = parser.end_of_input(rest);
            if (step.got != http::Got::done) return {0, {}, "cut answer: " + http::describe(step)};
            return reply;
        }
    }
}

EtcdCluster::EtcdCluster(int members) : binary_(etcd_binary()) {
    if (binary_.empty()) {
        error_ = "etcd not found";
        return;
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/peer-plan-etcd-XXXXXX";
    if (!::mkdtemp(templ.data())) {
        error_ = std::string("mkdtemp: ") + std::strerror(errno);
        return;
    }
    dir_ = templ;
    for (int i = 0; i < members; ++i) {
        Member member;
        member.name = "m" + std::to_string(i);
        member.client_port = free_port();
        member.peer_port = free_port();
        if (!initial_cluster_.empty()) initial_cluster_ += ",";
        initial_cluster_ += member.name + "=http://127.0.0.1:" + std::to_string(member.peer_port);
        members_.push_back(member);
    }
    for (int i = 0; i < members; ++i)
        if (!spawn(i)) return;
    for (int i = 0; i < members; ++i)
        if (!healthy(i, 20'000)) {
            error_ = "etcd member " + std::to_string(i) + " not healthy within 20 s; log:\n" + log(i);
            return;
        }
}

EtcdCluster::~EtcdCluster() {
    for (int i = 0; i < size(); ++i) kill(i);
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

bool EtcdCluster::spawn(int index) {
    Member& member = members_[index];
    std::string client = "http://127.0.0.1:" + std::to_string(member.client_port);
    std::string peer = "http://127.0.0.1:" + std::to_string(member.peer_port);
    std::vector<std::string> args = {binary_,
                                     "--name", member.name,
                                     "--data-dir", dir_ + "/" + member.name,
                                     "--listen-client-urls", client,
                                     "--advertise-client-urls", client,
                                     "--listen-peer-urls", peer,
                                     "--initial-advertise-peer-urls", peer,
                                     "--initial-cluster", initial_cluster_,
                                     "--initial-cluster-token", "peer-plan-test",
                                     "--unsafe-no-fsync",
                                     "--logger", "zap",
                                     "--log-level", "warn"};
    std::string log_path = dir_ + "/" + member.name + ".log";
    int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        error_ = "open " + log_path + ": " + std::strerror(errno);
        return false;
    }
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0) {
#ifdef __linux__
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test that dies takes its etcd along
#endif
        if (::getppid() != parent) ::_exit(1);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        if (::close_range(3, ~0U, 0) != 0)
            for (int fd = 3; fd < 65536; ++fd) ::close(fd);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        std::vector<char*> argv;
        for (std::string& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        ::execv(binary_.c_str(), argv.data());
        std::fprintf(stderr, "exec %s: %s\n", binary_.c_str(), std::strerror(errno));
        ::_exit(127);
    }
    ::close(log_fd);
    if (pid < 0) {
        error_ = std::string("fork: ") + std::strerror(errno);
        return false;
    }
    member.pid = pid;
    return true;
}

void EtcdCluster::kill(int index) {
    Member& member = members_[index];
    if (member.pid <= 0) return;
    ::kill(member.pid, SIGKILL);
    ::waitpid(member.pid, nullptr, 0);
    member.pid = -1;
}

void EtcdCluster::stop(int index) {
    Member& member = members_[index];
    if (member.pid <= 0) return;
    ::kill(member.pid, SIGTERM);
    int64_t deadline = base::monotonic_ms() + 5000;
    while (base::monotonic_ms() < deadline) {
        pid_t done = ::waitpid(member.pid, nullptr, WNOHANG);
        if (done == member.pid) {
            member.pid = -1;
            return;
        }
        ::usleep(20'000);  // waiting on a child's exit: no event to wait on without a pidfd
    }
    kill(index);
}

bool EtcdCluster::start(int index) {
    if (members_[index].pid > 0) return true;
    return spawn(index) && healthy(index, 20'000);
}

bool EtcdCluster::healthy(int index, int timeout_ms) {
    int64_t deadline = base::monotonic_ms() + timeout_ms;
    while (base::monotonic_ms() < deadline) {
        if (members_[index].pid <= 0) return false;
        if (::waitpid(members_[index].pid, nullptr, WNOHANG) == members_[index].pid) {
            members_[index].pid = -1;
            return false;
        }
        HttpReply reply = http_call(members_[index].client_port, "GET", "/health", {}, {}, 1000);
        if (reply.status == 200 && reply.body.find("\"health\":\"true\"") != std::string::npos) return true;
        ::usleep(50'000);  // etcd says nothing when it becomes ready: poll /health
    }
    return false;
}

std::string EtcdCluster::url(std::string_view prefix, std::string_view user) const {
    std::string url = "etcd://";
    if (!user.empty()) url += std::string(user) + "@";
    for (int i = 0; i < size(); ++i) {
        if (i > 0) url += ",";
        url += "127.0.0.1:" + std::to_string(members_[i].client_port);
    }
    return url + std::string(prefix);
}

HttpReply EtcdCluster::call(std::string_view path, std::string_view body) {
    HttpReply reply{0, {}, "no member running"};
    for (const Member& member : members_) {
        if (member.pid <= 0) continue;
        // 2 s at most per member: a test's loop waits meanwhile, and its leases with it.
        reply = http_call(member.client_port, "POST", "/v3/" + std::string(path), body, root_token_, 2000);
        if (reply.status == 401 && !root_token_.empty() && path != "auth/authenticate") {
            // Tokens do not survive a restart: authenticate again, once.
            HttpReply token = http_call(member.client_port, "POST", "/v3/auth/authenticate",
                                        R"({"name":"root","password":"root-secret"})");
            root_token_ = json_string_field(token.body, "token");
            reply = http_call(member.client_port, "POST", "/v3/" + std::string(path), body, root_token_);
        }
        if (reply.status != 0) return reply;
    }
    return reply;
}

std::string EtcdCluster::enable_auth(const std::string& user, const std::string& password,
                                     const std::string& prefix) {
    std::string range_end = prefix;
    range_end.back() = static_cast<char>(range_end.back() + 1);  // test prefixes end below 0xFF
    struct Step {
        std::string path, body;
    };
    std::vector<Step> steps = {
        {"auth/user/add", R"({"name":"root","password":"root-secret"})"},
        {"auth/user/grant", R"({"user":"root","role":"root"})"},
        {"auth/role/add", "{\"name\":\"" + user + "\"}"},
        {"auth/role/grant", "{\"name\":\"" + user + "\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\"" +
                                b64(prefix) + "\",\"range_end\":\"" + b64(range_end) + "\"}}"},
        {"auth/user/add", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}"},
        {"auth/user/grant", "{\"user\":\"" + user + "\",\"role\":\"" + user + "\"}"},
        {"auth/enable", "{}"},
    };
    for (const Step& step : steps) {
        HttpReply reply = call(step.path, step.body);
        if (reply.status != 200) return step.path + ": " + std::to_string(reply.status) + " " + reply.body + reply.error;
    }
    HttpReply token = call("auth/authenticate", R"({"name":"root","password":"root-secret"})");
    root_token_ = json_string_field(token.body, "token");
    if (root_token_.empty()) return "auth/authenticate as root: " + std::to_string(token.status) + " " + token.body;
    return {};
}

std::string EtcdCluster::log(int index) const {
    std::ifstream in(dir_ + "/" + members_[index].name + ".log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace support
