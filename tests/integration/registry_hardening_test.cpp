// Findings 1, 2, 12 and 13 of issue 10, against the real binaries: stop
// signals, a held registry lock, addresses other than 127.0.0.1, and the
// command line's exit codes and messages.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness.h"
#include "json/reader.h"

namespace {

using namespace harness;

std::vector<std::string> ids_in(const std::string& registry) {
    std::vector<std::string> ids;
    auto document = json::parse(read_file(registry));
    if (!document.ok()) return {"<unreadable: " + read_file(registry) + ">"};
    for (const json::Value& server : document.value().find("servers")->as_array())
        ids.push_back(server.find("id")->as_string());
    return ids;
}

// A TCP connection to address:port, or an empty fd when refused.
UniqueFd connect_at(const std::string& address, uint16_t port) {
    sockaddr_storage addr{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof *v4;
    } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof *v6;
    }
    UniqueFd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), length) != 0) return UniqueFd();
    return fd;
}

// A port that was free a moment ago (the kernel does not hand it out again at once).
uint16_t free_port() {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &length) != 0)
        return 0;
    return ntohs(addr.sin_port);
}

// flock(LOCK_EX) on the registry's lock file, held as another process would.
UniqueFd hold_lock(const std::string& registry) {
    UniqueFd fd(::open((registry + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    EXPECT_TRUE(fd);
    EXPECT_EQ(::flock(fd.get(), LOCK_EX | LOCK_NB), 0);
    return fd;
}

// ---- finding 1: SIGHUP and SIGQUIT stop both servers like SIGTERM ----

class StopSignal : public ::testing::TestWithParam<int> {};

TEST_P(StopSignal, WsServerClosesWith1001AndUnregisters) {
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    WsServer server = start_ws_server(registry);
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    UniqueFd client = ws_connect(server.port);
    ASSERT_TRUE(client);
    EXPECT_EQ(ids_in(registry), std::vector<std::string>{server.id});
    server.process.signal(GetParam());
    EXPECT_EQ(read_close_code(client.get()), 1001);
    EXPECT_EQ(server.process.wait_exit(), 0);
    EXPECT_EQ(ids_in(registry), std::vector<std::string>{});
}

TEST_P(StopSignal, RegistryHttpStopsCleanly) {
    TempDir dir;
    ASSERT_EQ(::mkdir(dir.file("web").c_str(), 0700), 0);
    HttpServer server = start_registry_http(dir.file("servers.json"), dir.file("web"));
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    server.process.signal(GetParam());
    EXPECT_EQ(server.process.wait_exit(), 0);
    EXPECT_NE(server.process.stderr_text().find("registry-http stopped"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(HupQuitTerm, StopSignal, ::testing::Values(SIGHUP, SIGQUIT, SIGTERM),
                         [](const auto& param_info) { return std::string(sigabbrev_np(param_info.param)); });

// ---- finding 2: a held lock is visible, bounded and interruptible ----

TEST(HeldLock, WsServerSaysSoAndGivesUp) {
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    UniqueFd held = hold_lock(registry);
    Process server(bin("ws-server"), {"--registry", registry, "--lock-timeout", "1500ms"});
    EXPECT_EQ(server.wait_exit(), 1);
    EXPECT_EQ(server.stderr_text(), "waiting for the lock on " + registry +
                                        ".lock (another process holds it; giving up after 1500 ms)\n"
                                        "ws-server: cannot register in " + registry +
                                        ": gave up after 1500 ms waiting for the lock on " + registry +
                                        ".lock (another process holds it)\n");
    EXPECT_FALSE(std::filesystem::exists(registry));
}

class HeldLockSignal : public ::testing::TestWithParam<int> {};

TEST_P(HeldLockSignal, WsServerRefusesConnectionsAndStopsOnASignal) {
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    UniqueFd held = hold_lock(registry);
    const uint16_t port = free_port();
    ASSERT_NE(port, 0);
    Process server(bin("ws-server"), {"--registry", registry, "--port", std::to_string(port), "--lock-timeout", "60s"});
    ASSERT_TRUE(server.wait_for_stderr_line("waiting for the lock on " + registry + ".lock"));
    EXPECT_FALSE(connect_at("127.0.0.1", port)) << "the port accepts before the server is registered";
    server.signal(GetParam());
    EXPECT_EQ(server.wait_exit(), 1);  // within kWaitMs, long before the 60 s
    EXPECT_NE(server.stderr_text().find("ws-server: cannot register in " + registry +
                                        ": interrupted while waiting for the lock on " + registry + ".lock\n"),
              std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(registry));
}

TEST_P(HeldLockSignal, WsServerStoppingStopsOnAFurtherSignal) {
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    WsServer server = start_ws_server(registry);
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    UniqueFd held = hold_lock(registry);
    server.process.signal(SIGTERM);
    ASSERT_TRUE(server.process.wait_for_stderr_line("waiting for the lock on " + registry + ".lock"));
    server.process.signal(GetParam());
    EXPECT_EQ(server.process.wait_exit(), 1);
    EXPECT_NE(server.process.stderr_text().find("ws-server: cannot remove " + server.id + " from " + registry +
                                                ": interrupted while waiting for the lock on " + registry +
                                                ".lock (the next server to start drops the entry: its process is "
                                                "gone)\n"),
              std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(IntTerm, HeldLockSignal, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& param_info) { return std::string(sigabbrev_np(param_info.param)); });

// ---- finding 12: entries keyed by address and port, url from the address ----

TEST(Addresses, SamePortOnAnotherAddressKeepsBothEntries) {
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    WsServer v4 = start_ws_server(registry);
    ASSERT_NE(v4.port, 0) << v4.process.stderr_text();
    const std::string port = std::to_string(v4.port);
    WsServer other = start_ws_server(registry, {"--host", "127.0.0.2", "--port", port});
    ASSERT_EQ(other.port, v4.port) << other.process.stderr_text();
    EXPECT_EQ(ids_in(registry), (std::vector<std::string>{v4.id, other.id}));
    const auto document = json::parse(read_file(registry));
    ASSERT_TRUE(document.ok());
    EXPECT_EQ(document.value().find("servers")->as_array()[0].find("url")->as_string(), "ws://localhost:" + port);
    EXPECT_EQ(document.value().find("servers")->as_array()[1].find("url")->as_string(), "ws://127.0.0.2:" + port);

    // The Host check accepts the address the server listens on.
    UniqueFd client = connect_at("127.0.0.2", other.port);
    ASSERT_TRUE(client);
    std::string request = upgrade_request(other.port);
    request.replace(request.find("Host: 127.0.0.1:"), 16, "Host: 127.0.0.2:");
    ASSERT_TRUE(send_all(client.get(), request));
    EXPECT_EQ(http_status(recv_exact(client.get(), 12)), 101);
}

TEST(Addresses, Ipv6UrlIsBracketed) {
    if (!connect_at("::1", 9) && errno == EADDRNOTAVAIL) GTEST_SKIP() << "no ::1 here";
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    WsServer server = start_ws_server(registry, {"--host", "::1"});
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    const auto document = json::parse(read_file(registry));
    ASSERT_TRUE(document.ok());
    EXPECT_EQ(document.value().find("servers")->as_array()[0].find("url")->as_string(),
              "ws://[::1]:" + std::to_string(server.port));
}

TEST(Addresses, RegistryHttpAcceptsItsOwnAddressAsHost) {
    TempDir dir;
    ASSERT_EQ(::mkdir(dir.file("web").c_str(), 0700), 0);
    const uint16_t port = free_port();
    Process server(bin("registry-http"), {"--host", "127.0.0.2", "--port", std::to_string(port), "--registry",
                                          dir.file("servers.json"), "--web", dir.file("web")});
    ASSERT_TRUE(server.wait_for_line("registry-http listening on http://127.0.0.2:")) << server.stderr_text();
    UniqueFd client = connect_at("127.0.0.2", port);
    ASSERT_TRUE(client);
    ASSERT_TRUE(send_all(client.get(), "GET /api/registry HTTP/1.1\r\nHost: 127.0.0.2:" + std::to_string(port) +
                                           "\r\nConnection: close\r\n\r\n"));
    const std::string response = recv_http_response(client.get());
    EXPECT_EQ(http_status(response), 200) << response;
    EXPECT_EQ(http_body(response), "[]\n");
}

// ---- finding 13: the command line ----

struct BadCommandLine {
    std::string program;
    std::vector<std::string> args;
    int code;
    std::string first_line;
};

TEST(CommandLine, MistakesHaveTheirExitCodeAndMessage) {
    TempDir dir;
    const BadCommandLine cases[] = {
        {"ws-server", {"--registry", ""}, 2,
         "ws-server: --registry: the value is empty (leave the flag out for the default)"},
        {"registry-http", {"--registry="}, 2,
         "registry-http: --registry: the value is empty (leave the flag out for the default)"},
        {"ws-server", {"--max-message", "1.5MiB"}, 2,
         "ws-server: --max-message: '1.5MiB': sizes are whole numbers: write 1536KiB"},
        {"ws-server", {"--max-message", "2GiB"}, 2, "ws-server: --max-message: '2GiB' is more than the maximum, 1GiB"},
        {"ws-server", {"--host", "nowhere.invalid"}, 2,
         "ws-server: --host: 'nowhere.invalid' is not a numeric IPv4 or IPv6 address, nor localhost"},
        {"registry-http", {"--host", "nowhere.invalid"}, 2,
         "registry-http: --host: 'nowhere.invalid' is not a numeric IPv4 or IPv6 address, nor localhost"},
        {"ws-server", {"--registry", "/proc/peer-plan-nope/servers.json"}, 1,
         "ws-server: cannot register in /proc/peer-plan-nope/servers.json: mkdir(/proc/peer-plan-nope): No such file "
         "or directory (its parent folder /proc exists but takes no new folders)"},
        {"ws-server", {"--registry", dir.file("a/b/servers.json")}, 1,
         "ws-server: cannot register in " + dir.file("a/b/servers.json") + ": mkdir(" + dir.file("a/b") +
             "): No such file or directory (its parent folder " + dir.file("a") + " does not exist)"},
    };
    for (const BadCommandLine& c : cases) {
        SCOPED_TRACE(c.first_line);
        Process process(bin(c.program), c.args);
        EXPECT_EQ(process.wait_exit(), c.code);
        const std::string err = process.stderr_text();
        EXPECT_EQ(err.substr(0, err.find('\n')), c.first_line);
    }
}

TEST(CommandLine, OneGibibyteIsAccepted) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--max-message", "1GiB", "--max-output", "1GiB"});
    EXPECT_NE(server.port, 0) << server.process.stderr_text();
}

}  // namespace
