// GET /healthz alone (app/ws_health.h): which requests it answers, the Host
// rule before the counters, and an uptime that never goes below 0. The
// session tests (ws_session_test.cpp) check it through a WsSession, cut at
// every byte.
#include "app/ws_health.h"

#include <gtest/gtest.h>

#include <string>

namespace {

http::Request parsed(std::string_view text) {
    http::Request request;
    EXPECT_EQ(http::parse_request(text, request, http::Limits{}).status, http::Parse::done) << text;
    return request;
}

TEST(WsHealth, AnswersAGetOfHealthzWithoutAnUpgradeOnly) {
    EXPECT_TRUE(app::is_health_request(parsed("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")));
    EXPECT_TRUE(app::is_health_request(parsed("GET /healthz?from=x HTTP/1.1\r\nHost: localhost\r\n\r\n")));
    EXPECT_FALSE(app::is_health_request(parsed("HEAD /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")));
    EXPECT_FALSE(app::is_health_request(parsed("GET /healthzz HTTP/1.1\r\nHost: localhost\r\n\r\n")));
    EXPECT_FALSE(app::is_health_request(parsed("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
                                               "Upgrade: websocket\r\n\r\n")));
}

TEST(WsHealth, AForeignHostGetsThe403AndNoCounters) {
    app::WsHealth health{"server-1", "abc", 0, 7, 9};
    std::string refused;
    std::string response = app::health_response(parsed("GET /healthz HTTP/1.1\r\nHost: attacker.example\r\n\r\n"),
                                                 health, websocket::HandshakePolicy{}, 10, &refused);
    EXPECT_EQ(refused, "403 Host 'attacker.example' is not a loopback name");
    EXPECT_EQ(response.substr(0, response.find("\r\n")), "HTTP/1.1 403 Forbidden");
    EXPECT_EQ(response.find("server-1"), std::string::npos);
}

TEST(WsHealth, UptimeIsNeverNegative) {
    app::WsHealth health{"server-1", "abc", 5'000, 1, 2};
    std::string refused;
    std::string response = app::health_response(parsed("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"), health,
                                                websocket::HandshakePolicy{}, 4'000, &refused);
    EXPECT_EQ(refused, "");
    const std::string body = R"({"id":"server-1","instance":"abc","connections":1,"messages":2,"uptimeMs":0})";
    EXPECT_EQ(response, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n" +
                            body);
}

}  // namespace
