// Every rule of the opening handshake (server/websocket/handshake.cpp), each
// with its exact status, problem and response bytes; the RFC 6455 §1.3 key
// vector; and the 101 as it is sent.
#include "websocket/handshake.h"

#include <gtest/gtest.h>

#include <string>

#include "http/request_parser.h"

namespace {

using websocket::answer_handshake;
using websocket::HandshakePolicy;

constexpr std::string_view kRfcKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3
constexpr std::string_view kRfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

const std::string kUpgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
const std::string kKey = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
const std::string kVersion = "Sec-WebSocket-Version: 13\r\n";

// A handshake request with every header right, the given ones in between.
std::string request_with(std::string_view headers, std::string_view start = "GET / HTTP/1.1") {
    return std::string(start) + "\r\nHost: localhost:8080\r\n" + std::string(headers) + "\r\n";
}
std::string good_request(std::string_view more = {}) { return request_with(kUpgrade + kKey + kVersion + std::string(more)); }

// The request text is kept alive by the caller: Request holds views into it.
websocket::Handshake answer(const std::string& text, const HandshakePolicy& policy = {}) {
    http::Request request;
    http::ParseResult parsed = http::parse_request(text, request, http::Limits{});
    EXPECT_EQ(parsed.status, http::Parse::done) << text;
    EXPECT_EQ(parsed.consumed, text.size()) << text;
    return answer_handshake(request, policy);
}

// The whole refusal as it goes out: head, then "<status> <reason>: <problem>\n".
std::string refusal(std::string_view status_line, std::string_view extra_headers, std::string_view body) {
    return std::string(status_line) + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n" + std::string(extra_headers) + "\r\n" +
           std::string(body);
}

TEST(AcceptKey, Rfc6455Section1_3) { EXPECT_EQ(websocket::accept_key(kRfcKey), kRfcAccept); }

TEST(Handshake, AcceptedWithTheExact101) {
    auto result = answer(good_request());
    EXPECT_EQ(result.status, 101);
    EXPECT_EQ(result.problem, "");
    EXPECT_EQ(result.response,
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST(Handshake, TokensAreCaseInsensitiveAndMayStandInLists) {
    const std::string text = request_with("upgrade: WebSocket\r\nconnection: keep-alive, UPGRADE\r\n" + kKey + kVersion);
    EXPECT_EQ(answer(text).status, 101);
    // Chromium's permessage-deflate offer is declined by not answering it.
    auto offered = answer(good_request("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    EXPECT_EQ(offered.status, 101);
    EXPECT_EQ(offered.response.find("Extensions"), std::string::npos) << offered.response;
}

TEST(Handshake, MethodOtherThanGetIs405WithAllow) {
    auto result = answer(request_with(kUpgrade + kKey + kVersion, "POST / HTTP/1.1"));
    EXPECT_EQ(result.status, 405);
    EXPECT_EQ(result.problem, "a WebSocket handshake must be a GET");
    EXPECT_EQ(result.response,
              "HTTP/1.1 405 Method Not Allowed\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 60\r\n"
              "Connection: close\r\n"
              "Allow: GET\r\n"
              "\r\n"
              "405 Method Not Allowed: a WebSocket handshake must be a GET\n");
}

TEST(Handshake, VersionOtherThan13Is426NamingVersion13) {
    auto result = answer(request_with(kUpgrade + kKey + "Sec-WebSocket-Version: 8\r\n"));
    EXPECT_EQ(result.status, 426);
    EXPECT_EQ(result.problem, "Sec-WebSocket-Version '8' is not supported");
    EXPECT_EQ(result.response,
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 65\r\n"
              "Connection: close\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "\r\n"
              "426 Upgrade Required: Sec-WebSocket-Version '8' is not supported\n");
}

struct Refusal {
    const char* name;
    std::string request;
    int status;
    std::string problem;
    HandshakePolicy policy = {};
};

TEST(Handshake, EveryRefusalHasItsStatusAndProblem) {
    const std::string long_host(150, 'h');
    const Refusal cases[] = {
        {"DELETE", request_with(kUpgrade + kKey + kVersion, "DELETE / HTTP/1.1"), 405,
         "a WebSocket handshake must be a GET"},
        {"HTTP/1.0", request_with(kUpgrade + kKey + kVersion, "GET / HTTP/1.0"), 400,
         "a WebSocket handshake needs HTTP/1.1"},
        {"foreign Host", "GET / HTTP/1.1\r\nHost: attacker.example:8080\r\n" + kUpgrade + kKey + kVersion + "\r\n",
         403, "Host 'attacker.example:8080' is not a loopback name"},
        {"Host that only starts like localhost",
         "GET / HTTP/1.1\r\nHost: localhost.evil.com\r\n" + kUpgrade + kKey + kVersion + "\r\n", 403,
         "Host 'localhost.evil.com' is not a loopback name"},
        {"Host cut to 100 bytes in the message", "GET / HTTP/1.1\r\nHost: " + long_host + "\r\n" + kUpgrade + kKey +
                                                     kVersion + "\r\n",
         403, "Host '" + long_host.substr(0, 100) + "' is not a loopback name"},
        {"foreign Host, a name advertised",
         "GET / HTTP/1.1\r\nHost: evil.example\r\n" + kUpgrade + kKey + kVersion + "\r\n", 403,
         "Host 'evil.example' is not a loopback name or the advertised name (devbox)",
         HandshakePolicy{{}, false, false, "127.0.0.1", "devbox"}},
        {"foreign Host, another address listened on",
         "GET / HTTP/1.1\r\nHost: evil.example\r\n" + kUpgrade + kKey + kVersion + "\r\n", 403,
         "Host 'evil.example' is not a loopback name, the listening address (fd00::5) or the advertised name "
         "(devbox)",
         HandshakePolicy{{}, false, false, "fd00::5", "devbox"}},
        {"HTTP/1.0 without Host", "GET / HTTP/1.0\r\n" + kUpgrade + kKey + kVersion + "\r\n", 400,
         "a WebSocket handshake needs HTTP/1.1"},
        {"foreign Origin", good_request("Origin: http://evil.example\r\n"), 403,
         "Origin 'http://evil.example' is not allowed"},
        {"null Origin", good_request("Origin: null\r\n"), 403, "Origin 'null' is not allowed"},
        {"Origin not on the allow list", good_request("Origin: https://other.example\r\n"), 403,
         "Origin 'https://other.example' is not allowed", HandshakePolicy{{"https://app.example"}, false, false, "", ""}},
        {"Content-Length", good_request("Content-Length: 0\r\n"), 400, "a WebSocket handshake has no body"},
        {"Transfer-Encoding", good_request("Transfer-Encoding: chunked\r\n"), 400,
         "a WebSocket handshake has no body"},
        {"no Upgrade", request_with("Connection: Upgrade\r\n" + kKey + kVersion), 400,
         "missing 'Upgrade: websocket'"},
        {"Upgrade to something else", request_with("Upgrade: h2c\r\nConnection: Upgrade\r\n" + kKey + kVersion), 400,
         "missing 'Upgrade: websocket'"},
        {"Upgrade token only as a prefix",
         request_with("Upgrade: websocketx\r\nConnection: Upgrade\r\n" + kKey + kVersion), 400,
         "missing 'Upgrade: websocket'"},
        {"no Connection", request_with("Upgrade: websocket\r\n" + kKey + kVersion), 400,
         "missing 'Connection: Upgrade'"},
        {"Connection without upgrade", request_with("Upgrade: websocket\r\nConnection: keep-alive\r\n" + kKey + kVersion),
         400, "missing 'Connection: Upgrade'"},
        {"no version", request_with(kUpgrade + kKey), 400, "missing Sec-WebSocket-Version"},
        {"version 8", request_with(kUpgrade + kKey + "Sec-WebSocket-Version: 8\r\n"), 426,
         "Sec-WebSocket-Version '8' is not supported"},
        {"version 13 twice", good_request("Sec-WebSocket-Version: 13\r\n"), 400,
         "more than one Sec-WebSocket-Version"},
        {"absolute-form target with a foreign authority",
         request_with(kUpgrade + kKey + kVersion, "GET http://evil.com/ HTTP/1.1"), 403,
         "Host 'evil.com' is not a loopback name"},
        {"version list", request_with(kUpgrade + kKey + "Sec-WebSocket-Version: 13, 8\r\n"), 426,
         "Sec-WebSocket-Version '13, 8' is not supported"},
        {"no key", request_with(kUpgrade + kVersion), 400, "missing Sec-WebSocket-Key"},
        {"two keys", good_request("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n"), 400,
         "more than one Sec-WebSocket-Key"},
        {"key of 5 bytes", request_with(kUpgrade + "Sec-WebSocket-Key: c2hvcnQ=\r\n" + kVersion), 400,
         "Sec-WebSocket-Key is not 16 bytes in base64"},
        {"key of 17 bytes", request_with(kUpgrade + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAA=\r\n" + kVersion), 400,
         "Sec-WebSocket-Key is not 16 bytes in base64"},
        {"key not base64", request_with(kUpgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ!!\r\n" + kVersion), 400,
         "Sec-WebSocket-Key is not 16 bytes in base64"},
    };
    for (const Refusal& c : cases) {
        auto result = answer(c.request, c.policy);
        EXPECT_EQ(result.status, c.status) << c.name;
        EXPECT_EQ(result.problem, c.problem) << c.name;
        std::string reason = c.status == 400 ? "Bad Request" : c.status == 403 ? "Forbidden"
                           : c.status == 405 ? "Method Not Allowed" : "Upgrade Required";
        std::string extra = c.status == 405 ? "Allow: GET\r\n" : c.status == 426 ? "Sec-WebSocket-Version: 13\r\n" : "";
        std::string status_line = "HTTP/1.1 " + std::to_string(c.status) + " " + reason;
        EXPECT_EQ(result.response,
                  refusal(status_line, extra, std::to_string(c.status) + " " + reason + ": " + c.problem + "\n"))
            << c.name;
    }
}

TEST(Handshake, RulesAreCheckedInOrder) {
    // A request breaking every rule gets the first: the method.
    auto result = answer("POST / HTTP/1.0\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n\r\n");
    EXPECT_EQ(result.status, 405);
    // A foreign Host is refused before anything about the upgrade is looked at.
    result = answer("GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    EXPECT_EQ(result.status, 403);
    EXPECT_EQ(result.problem, "Host 'evil.example' is not a loopback name");
}

TEST(Handshake, PolicyOpensHostAndOrigin) {
    const std::string foreign_host = "GET / HTTP/1.1\r\nHost: box.lan:8080\r\n" + kUpgrade + kKey + kVersion + "\r\n";
    EXPECT_EQ(answer(foreign_host).status, 403);
    EXPECT_EQ(answer(foreign_host, HandshakePolicy{{}, false, true, "", ""}).status, 101);
    EXPECT_EQ(answer(foreign_host, HandshakePolicy{{}, false, false, "", "box.lan"}).status, 101);
    EXPECT_EQ(answer(foreign_host, HandshakePolicy{{}, false, false, "", "box"}).status, 403);

    const std::string origin = good_request("Origin: https://app.example\r\n");
    EXPECT_EQ(answer(origin).status, 403);
    EXPECT_EQ(answer(origin, HandshakePolicy{{"https://app.example"}, false, false, "", ""}).status, 101);
    EXPECT_EQ(answer(origin, HandshakePolicy{{}, true, false, "", ""}).status, 101);
    // Loopback origins, and none at all (not a browser), are always allowed.
    EXPECT_EQ(answer(good_request("Origin: http://localhost:5173\r\n")).status, 101);
    EXPECT_EQ(answer(good_request("Origin: http://127.0.0.1\r\n")).status, 101);
    EXPECT_EQ(answer(good_request()).status, 101);
}

}  // namespace

// The cases issue 10, finding 11 added (absolute-form authority, repeated version).
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
