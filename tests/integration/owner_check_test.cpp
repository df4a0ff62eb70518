// "Only its owner gets in", end to end: the real servers, and clients run as
// other users with setpriv (so these tests need root, as CI has; elsewhere
// they are skipped). For each entry point the other user gets 403 and not a
// byte of the registry; the owner and root are served; --allow-other-users
// lets everyone in. A client is /usr/bin/python3 run through setpriv.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"
#include "net/peer_owner.h"

using namespace harness;

namespace {

constexpr uint32_t kNobody = 65534, kOtherNobody = 65533;
constexpr std::string_view kRefusedBody = "403 Forbidden: only the user who started this server may connect\n";

// Sends the bytes, then reads the answer: for a 101, its head; else all
// until the server closes.
constexpr const char* kClient = R"(
import socket, sys
host, port, request = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.create_connection((host, port), timeout=10)
s.sendall(request)
data = b''
def more():
    global data
    chunk = s.recv(65536)
    data += chunk
    return chunk
try:
    while b'\r\n\r\n' not in data and more(): pass
    if not data.startswith(b'HTTP/1.1 101'):
        while more(): pass
except (ConnectionResetError, socket.timeout):
    pass
sys.stdout.buffer.write(data)
)";

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
    }
    return out;
}

std::vector<std::string> as_user(uint32_t uid, std::vector<std::string> command) {
    std::vector<std::string> args = {"--reuid=" + std::to_string(uid), "--regid=" + std::to_string(uid),
                                     "--clear-groups"};
    args.insert(args.end(), command.begin(), command.end());
    return args;
}

// The whole answer `request` gets from host:port when sent by `uid`.
std::string request_as(uint32_t uid, const std::string& host, uint16_t port, std::string_view request) {
    Process client("/usr/bin/setpriv",
                   as_user(uid, {"/usr/bin/python3", "-I", "-c", kClient, host, std::to_string(port), hex(request)}));
    auto status = client.wait_exit();
    EXPECT_EQ(status, 0) << client.stderr_text();
    return client.stdout_text();
}

std::string get(std::string_view method, std::string_view target) {
    return std::string(method) + " " + std::string(target) +
           " HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\nConnection: close\r\n\r\n";
}

// The port in "registry-http listening on http://[::1]:PORT/ (...".
uint16_t listening_port(const std::string& line) {
    size_t end = line.find("/ (registry");
    size_t colon = line.rfind(':', end);
    return end == std::string::npos || colon == std::string::npos
               ? 0
               : static_cast<uint16_t>(std::stoi(line.substr(colon + 1, end - colon - 1)));
}

size_t count(const std::string& text, std::string_view needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

class OwnerCheckTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root, to run clients as other users";
        if (::access("/usr/bin/setpriv", X_OK) != 0 || ::access("/usr/bin/python3", X_OK) != 0)
            GTEST_SKIP() << "needs /usr/bin/setpriv and /usr/bin/python3";
        if (!net::PeerOwner::supported()) GTEST_SKIP() << "this kernel cannot say who owns a connection";
        // Readable by the other users, so a server can be run as one of them.
        ::chmod(dir_.path().c_str(), 0755);
        ::mkdir(web_dir().c_str(), 0755);
        write_file(web_dir() + "/index.html", "<!doctype html><title>peer-plan</title>\n");
        ::chmod((web_dir() + "/index.html").c_str(), 0644);
        ws_ = std::make_unique<WsServer>(start_ws_server(registry()));
        ASSERT_NE(ws_->port, 0) << ws_->process.stderr_text();
    }
    std::string registry() const { return dir_.file("servers.json"); }
    std::string web_dir() const { return dir_.file("web"); }

    // registry-http as this test's user (root) on `host`.
    uint16_t start_http(std::vector<std::string> extra = {}, const std::string& host = "127.0.0.1") {
        std::vector<std::string> args = {"--host", host, "--port", "0", "--registry", registry(), "--web", web_dir()};
        args.insert(args.end(), extra.begin(), extra.end());
        http_ = std::make_unique<Process>(bin("registry-http"), args);
        auto line = http_->wait_for_line("listening on http://");
        return line ? listening_port(*line) : 0;
    }

    // What the other user learns must not include any part of the registry.
    void expect_refused(const std::string& response, std::string_view what) {
        EXPECT_EQ(http_status(response), 403) << what << ":\n" << response;
        EXPECT_EQ(http_body(response), kRefusedBody) << what;
        EXPECT_NE(response.find("\r\nConnection: close\r\n"), std::string::npos) << what;
        EXPECT_EQ(response.find(ws_->id), std::string::npos) << what << " leaks the registry";
        EXPECT_EQ(response.find("\"port\""), std::string::npos) << what << " leaks the registry";
        EXPECT_EQ(response.find("peer-plan"), std::string::npos) << what << " leaks a file";
        EXPECT_EQ(response.find("Access-Control"), std::string::npos) << what;
    }

    TempDir dir_;
    std::unique_ptr<WsServer> ws_;
    std::unique_ptr<Process> http_;
};

TEST_F(OwnerCheckTest, RegistryHttpRefusesOtherUsersAtEveryEntryPoint) {
    uint16_t port = start_http();
    ASSERT_NE(port, 0) << http_->stderr_text();
    const std::string requests[] = {get("GET", "/api/registry"), get("GET", "/registry"),
                                    get("GET", "/index.html"),   get("GET", "/"),
                                    get("HEAD", "/api/registry"), get("OPTIONS", "/api/registry"),
                                    "NONSENSE\r\n\r\n"};
    for (const std::string& request : requests) {
        std::string response = request_as(kNobody, "127.0.0.1", port, request);
        expect_refused(request.starts_with("HEAD") ? response + std::string(kRefusedBody) : response, request);
    }
    // The owner (and root, which this test is) is served as before.
    std::string owner = http_get(port, "/api/registry");
    EXPECT_EQ(http_status(owner), 200) << owner;
    EXPECT_NE(http_body(owner).find(ws_->id), std::string::npos);
    EXPECT_EQ(http_status(http_get(port, "/index.html")), 200);
    EXPECT_EQ(http_status(http_get(port, "/api/registry", "Origin: http://localhost\r\n", "OPTIONS")), 204);

    http_->signal(SIGTERM);
    ASSERT_EQ(http_->wait_exit(), 0);
    std::string log = http_->stderr_text();
    EXPECT_EQ(count(log, "opened by uid 65534; this server serves only root (--allow-other-users serves everyone)"),
              std::size(requests))
        << log;
    EXPECT_EQ(count(log, "refused: "), std::size(requests)) << "one log line per refused connection\n" << log;
}

TEST_F(OwnerCheckTest, WsServerRefusesTheUpgrade) {
    std::string response = request_as(kNobody, "127.0.0.1", ws_->port, upgrade_request(ws_->port));
    expect_refused(response, "upgrade");
    EXPECT_EQ(response.find("Sec-WebSocket-Accept"), std::string::npos);
    expect_refused(request_as(kNobody, "127.0.0.1", ws_->port, "NONSENSE\r\n\r\n"), "not a request");
    UniqueFd owner = ws_connect(ws_->port);
    ASSERT_TRUE(owner);
    ASSERT_TRUE(send_all(owner.get(), masked_frame(0x81, "mine")));
    Frame echo = read_frame(owner.get());
    EXPECT_TRUE(echo.ok);
    EXPECT_EQ(echo.payload, "mine");
    owner.reset();

    ws_->process.signal(SIGTERM);
    ASSERT_EQ(ws_->process.wait_exit(), 0);
    EXPECT_EQ(count(ws_->process.stderr_text(), "opened by uid 65534"), 2u);
}

TEST_F(OwnerCheckTest, IPv6AndMappedIPv4AreJudgedToo) {
    uint16_t port = start_http({}, "::");  // dual stack: IPv4 clients arrive as ::ffff:127.0.0.1
    ASSERT_NE(port, 0) << http_->stderr_text();
    expect_refused(request_as(kNobody, "::1", port, get("GET", "/api/registry")), "IPv6");
    expect_refused(request_as(kNobody, "127.0.0.1", port, get("GET", "/api/registry")), "mapped IPv4");
    http_->signal(SIGTERM);
    ASSERT_EQ(http_->wait_exit(), 0);
    std::string log = http_->stderr_text();
    EXPECT_NE(log.find("warning: listening on ::: any machine that can reach this one can connect; the owner check "
                       "covers loopback connections only, so connections from other machines, and local users' "
                       "through a non-loopback address, are guarded by the Host and Origin checks alone "
                       "(docs/security.md)\n"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("[registry-http] [::1]:"), std::string::npos) << log;
    EXPECT_NE(log.find("[registry-http] [::ffff:127.0.0.1]:"), std::string::npos) << log;
}

TEST_F(OwnerCheckTest, AllowOtherUsersLetsThemIn) {
    uint16_t port = start_http({"--allow-other-users"});
    ASSERT_NE(port, 0) << http_->stderr_text();
    std::string response = request_as(kNobody, "127.0.0.1", port, get("GET", "/api/registry"));
    EXPECT_EQ(http_status(response), 200) << response;
    EXPECT_NE(http_body(response).find(ws_->id), std::string::npos);

    WsServer open = start_ws_server(registry(), {"--allow-other-users"});
    ASSERT_NE(open.port, 0);
    response = request_as(kNobody, "127.0.0.1", open.port, upgrade_request(open.port));
    EXPECT_TRUE(response.starts_with("HTTP/1.1 101 Switching Protocols\r\n")) << response;

    http_->signal(SIGTERM);
    ASSERT_EQ(http_->wait_exit(), 0);
    EXPECT_NE(http_->stderr_text().find("warning: --allow-other-users: every user of this machine can connect"),
              std::string::npos);
}

// A server run by an ordinary user serves that user and root, and no one else.
TEST_F(OwnerCheckTest, TheOwnerIsServedNotOnlyRoot) {
    ASSERT_EQ(::chown(registry().c_str(), kNobody, kNobody), 0);  // its owner's registry,
    // in its owner's folder: a registry folder of another user is refused (issue 10, finding 5)
    const std::string folder = registry().substr(0, registry().rfind('/'));
    ASSERT_EQ(::chown(folder.c_str(), kNobody, kNobody), 0);
    Process server("/usr/bin/setpriv",
                   as_user(kNobody, {bin("registry-http"), "--port", "0", "--registry", registry(), "--web",
                                     web_dir()}));
    auto line = server.wait_for_line("listening on http://");
    ASSERT_TRUE(line) << server.stderr_text();
    uint16_t port = listening_port(*line);
    std::string mine = request_as(kNobody, "127.0.0.1", port, get("GET", "/api/registry"));
    EXPECT_EQ(http_status(mine), 200) << mine;
    EXPECT_NE(http_body(mine).find(ws_->id), std::string::npos);
    EXPECT_EQ(http_status(http_get(port, "/api/registry")), 200) << "root is served";
    expect_refused(request_as(kOtherNobody, "127.0.0.1", port, get("GET", "/api/registry")), "another user");
    server.signal(SIGTERM);
    ASSERT_EQ(server.wait_exit(), 0);
    EXPECT_NE(server.stderr_text().find("opened by uid 65533; this server serves uid 65534 and root"),
              std::string::npos);
}

}  // namespace
