// ws-server against the findings of issue 10 (11, 14): the handshake's
// absolute-form target, repeated Origin and Sec-WebSocket-Version, and log
// lines with time, id and peer, escaped; --verbose.
#include <signal.h>

#include <gtest/gtest.h>

#include <string>

#include "log_lines.h"
#include "ws_server_fixture.h"

using namespace harness;

namespace {

constexpr std::string_view kUpgrade =
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

std::string handshake(uint16_t port, const std::string& request) {
    UniqueFd fd = connect_to(port);
    EXPECT_TRUE(send_all(fd.get(), request));
    return recv_http_response(fd.get());
}

TEST_F(WsServerTest, AbsoluteFormTargetIsJudgedByItsAuthority) {
    std::string evil = handshake(port(), "GET http://evil.com/ HTTP/1.1\r\nHost: localhost\r\n" +
                                             std::string(kUpgrade) + "Sec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(http_status(evil), 403) << evil;
    EXPECT_EQ(http_body(evil), "403 Forbidden: Host 'evil.com' is not a loopback name\n");
    std::string local = handshake(port(), "GET http://127.0.0.1:" + std::to_string(port()) +
                                              "/ HTTP/1.1\r\nHost: evil.com\r\n" + std::string(kUpgrade) +
                                              "Sec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(http_status(local), 101) << local;
}

TEST_F(WsServerTest, TwoOriginsAndTwoVersionsAre400) {
    std::string base = "GET / HTTP/1.1\r\nHost: localhost\r\n" + std::string(kUpgrade);
    std::string origins = handshake(port(), base + "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost\r\n"
                                                   "Origin: http://evil.com\r\n\r\n");
    EXPECT_EQ(http_status(origins), 400) << origins;
    EXPECT_EQ(http_body(origins), "400 Bad Request: more than one Origin header\n");
    std::string versions = handshake(port(), base + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(http_status(versions), 400) << versions;
    EXPECT_EQ(http_body(versions), "400 Bad Request: more than one Sec-WebSocket-Version\n");
}

TEST(WsServerLog, ClientLinesCarryTimeIdAndPeerEscaped) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--verbose"});
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    std::string refused = handshake(server.port, "GET / HTTP/1.1\r\nHost: evil\u202ecom\u009b[31m\r\n" +
                                                     std::string(kUpgrade) + "Sec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(http_status(refused), 403);
    server.process.signal(SIGTERM);
    ASSERT_EQ(server.process.wait_exit(), 0);
    std::string log = server.process.stderr_text();
    EXPECT_TRUE(has_client_line(log, server.id,
                                "handshake refused: 403 Host 'evil\\u202ecom\\u009b[31m' is not a loopback name"))
        << log;
    EXPECT_TRUE(has_client_line(log, server.id, "connected")) << log;
    EXPECT_EQ(log.find("\u202e"), std::string::npos) << log;
}

}  // namespace
