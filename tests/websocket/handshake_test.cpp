// websocket::answer_handshake on parsed heads: the refusals of issue 10,
// finding 11, with their exact status and body.
#include "websocket/handshake.h"

#include <gtest/gtest.h>

#include <string>

namespace websocket {
namespace {

constexpr std::string_view kUpgrade =
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

Handshake answer(const std::string& head) {
    http::Request request;
    auto parsed = http::parse_request(head, request, http::Limits{});
    EXPECT_EQ(parsed.status, http::Parse::done) << head;
    return answer_handshake(request, HandshakePolicy{});
}

std::string body_of(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

TEST(Handshake, AbsoluteFormTargetIsJudgedByItsAuthority) {
    // RFC 9112 §3.2.2: the target's authority wins over Host.
    Handshake evil = answer("GET http://evil.com/ HTTP/1.1\r\nHost: localhost\r\n" + std::string(kUpgrade) +
                            "Sec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(evil.status, 403);
    EXPECT_EQ(body_of(evil.response), "403 Forbidden: Host 'evil.com' is not a loopback name\n");
    Handshake local = answer("GET http://localhost:9001/ HTTP/1.1\r\nHost: evil.com\r\n" + std::string(kUpgrade) +
                             "Sec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(local.status, 101) << local.response;
}

TEST(Handshake, RepeatedVersionIs400NotUpgradeRequired) {
    Handshake twice = answer("GET / HTTP/1.1\r\nHost: localhost\r\n" + std::string(kUpgrade) +
                             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n\r\n");
    EXPECT_EQ(twice.status, 400);
    EXPECT_EQ(twice.response.find("HTTP/1.1 400 Bad Request\r\n"), 0u) << twice.response;
    EXPECT_EQ(twice.response.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos) << twice.response;
    EXPECT_EQ(body_of(twice.response), "400 Bad Request: more than one Sec-WebSocket-Version\n");
}

TEST(Handshake, OtherVersionIsStill426) {
    Handshake eight = answer("GET / HTTP/1.1\r\nHost: localhost\r\n" + std::string(kUpgrade) +
                             "Sec-WebSocket-Version: 8\r\n\r\n");
    EXPECT_EQ(eight.status, 426);
    EXPECT_NE(eight.response.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos);
}

}  // namespace
}  // namespace websocket
