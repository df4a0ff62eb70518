#include "client/app.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "fake_browser.h"

namespace {

using client::App;
using client::LogEntry;
using client::LogKind;
using client::Options;
using client::SocketId;
using client::Status;
using client_test::FakePlatform;
using client_test::FakeView;

std::string entry(const std::string& id, int port) {
    return R"({"id": ")" + id + R"(", "port": )" + std::to_string(port) + R"(, "url": "ws://localhost:)" +
           std::to_string(port) + R"(", "pid": 100, "startedAt": "2026-01-03T17:40:00.000Z"})";
}

std::string registry(std::initializer_list<std::pair<const char*, int>> servers) {
    std::string body = "[";
    for (const auto& [id, port] : servers) body += (body.size() > 1 ? ", " : "") + entry(id, port);
    return body + "]";
}

// These tests cover polling and the servers' sockets: the page polls only
// (?watch=off). feed_test.cpp covers the watch socket.
Options polling_only(int poll_ms = Options::kDefaultPollMs) {
    Options options;
    options.watch = false;
    options.poll_ms = poll_ms;
    return options;
}

class ClientAppTest : public testing::Test {
protected:
    ClientAppTest() : app_(platform_, view_, polling_only(), "localhost") {}

    // Starts the page and answers its first fetch with three servers, all open.
    void start_with_three_connected() {
        app_.start(0);
        app_.registry_loaded(registry({{"a", 4001}, {"b", 4002}, {"c", 4003}}), 10);
        for (SocketId socket : {1, 2, 3}) app_.socket_opened(socket, 20);
    }
    Status status(const std::string& id) const {
        for (const client::Connection& connection : app_.servers())
            if (connection.info().id == id) return connection.status();
        ADD_FAILURE() << "no server " << id;
        return Status::disconnected;
    }
    size_t lines_with(std::string_view text) const {
        return std::count_if(view_.lines.begin(), view_.lines.end(),
                             [&](const std::string& line) { return line.find(text) != std::string::npos; });
    }

    // What the browser does after every event: tick whatever is due now
    // (the live region's summary, say), then ask for the next deadline.
    double wakeup_after(double now_ms) {
        app_.tick(now_ms);
        return app_.next_wakeup_ms();
    }
    FakePlatform platform_;
    FakeView view_;
    App app_;
};

TEST_F(ClientAppTest, StartFetchesTheRegistry) {
    app_.start(0);
    EXPECT_EQ(platform_.fetches, std::vector<std::string>{"/api/registry"});
    EXPECT_EQ(view_.count_text, "Looking for servers\xE2\x80\xA6");
    EXPECT_EQ(view_.registry_state, "loading");
    EXPECT_TRUE(std::isinf(app_.next_wakeup_ms()));  // nothing to do until the answer
    app_.tick(1e9);
    EXPECT_EQ(platform_.fetches.size(), 1u);  // never two fetches at once
}

TEST_F(ClientAppTest, ConnectsToEveryListedServer) {
    app_.start(0);
    app_.registry_loaded(registry({{"a", 4001}, {"b", 4002}, {"c", 4003}}), 10);
    EXPECT_EQ(view_.count, 3u);
    EXPECT_EQ(view_.count_text, "Found 3 servers");
    EXPECT_EQ(view_.registry_state, "ok");
    EXPECT_EQ(view_.registry.label, "Polling");
    EXPECT_EQ(view_.registry.mode, "polling");
    EXPECT_EQ(view_.registry_text, "since 17:42:03 (watch off) \xC2\xB7 read at 17:42:03, every 5 s");
    EXPECT_EQ(view_.registry.url, "http://localhost:5173/api/registry");
    EXPECT_EQ(platform_.opened,
              (std::map<SocketId, std::string>{
                  {1, "ws://localhost:4001"}, {2, "ws://localhost:4002"}, {3, "ws://localhost:4003"}}));
    ASSERT_EQ(view_.cards.size(), 3u);
    EXPECT_EQ(view_.cards["b"].status, "connecting");
    EXPECT_EQ(view_.cards["b"].port, "4002");
    EXPECT_EQ(view_.cards["b"].pid, "100");
    EXPECT_EQ(view_.summary, "0 connected \xC2\xB7 3 connecting");
    EXPECT_EQ(lines_with("] Found on port 400"), 3u);

    for (SocketId socket : {1, 2, 3}) app_.socket_opened(socket, 20);
    EXPECT_EQ(view_.cards["a"].status, "connected");
    EXPECT_EQ(view_.cards["c"].status, "connected");
    EXPECT_EQ(view_.summary, "3 connected");
    EXPECT_EQ(lines_with("[b] Connected"), 1u);
}

TEST_F(ClientAppTest, EmptyRegistry) {
    app_.start(0);
    app_.registry_loaded("[]", 10);
    EXPECT_EQ(view_.count, 0u);
    EXPECT_EQ(view_.count_text, "Found 0 servers");
    EXPECT_EQ(view_.summary, "");
    EXPECT_DOUBLE_EQ(app_.next_wakeup_ms(), 5000);  // the next refresh, timed from the request
}

TEST_F(ClientAppTest, SendFansOutAndEchoesAreLogged) {
    start_with_three_connected();
    EXPECT_EQ(app_.send("Hello from browser!", 30), 3u);
    EXPECT_EQ(platform_.sent,
              (std::vector<std::pair<SocketId, std::string>>{
                  {1, "Hello from browser!"}, {2, "Hello from browser!"}, {3, "Hello from browser!"}}));
    EXPECT_EQ(lines_with("sent Sent: Hello from browser!"), 3u);
    for (SocketId socket : {3, 1, 2}) app_.socket_message(socket, "Hello from browser!", true, 40);
    EXPECT_EQ(lines_with("echo [a] Echo: Hello from browser!"), 1u);
    EXPECT_EQ(lines_with("echo [b] Echo: Hello from browser!"), 1u);
    EXPECT_EQ(lines_with("echo [c] Echo: Hello from browser!"), 1u);
    // Opened 20 ms before "now" (17:42:03.000 on the wall clock).
    EXPECT_EQ(view_.cards["a"].detail, "Open since 17:42:02 \xC2\xB7 1 sent \xC2\xB7 1 echoed");
    // The log keeps who each line was for.
    const LogEntry& last_sent = app_.log().entries()[app_.log().entries().size() - 4];
    EXPECT_EQ(last_sent.kind, LogKind::sent);
    EXPECT_EQ(last_sent.server_id, "c");
}

TEST_F(ClientAppTest, SendSkipsServersThatAreNotConnected) {
    app_.start(0);
    app_.registry_loaded(registry({{"a", 4001}, {"b", 4002}}), 10);
    app_.socket_opened(2, 20);
    EXPECT_EQ(app_.send("hi", 30), 1u);
    EXPECT_EQ(platform_.sent, (std::vector<std::pair<SocketId, std::string>>{{2, "hi"}}));
}

TEST_F(ClientAppTest, SendWithNobodyConnected) {
    app_.start(0);
    app_.registry_loaded(registry({{"a", 4001}}), 10);
    EXPECT_EQ(app_.send("hi", 30), 0u);
    EXPECT_TRUE(platform_.sent.empty());
    EXPECT_EQ(view_.lines.back(), "17:42:03.000 error Nothing sent: no echo server is connected");
}

TEST_F(ClientAppTest, SendEmptyMessage) {
    start_with_three_connected();
    EXPECT_EQ(app_.send("", 30), 0u);
    EXPECT_TRUE(platform_.sent.empty());
    EXPECT_EQ(view_.lines.back(), "17:42:03.000 error Nothing sent: the message is empty");
}

TEST_F(ClientAppTest, SendFailureIsLogged) {
    start_with_three_connected();
    platform_.failing_sends = true;
    EXPECT_EQ(app_.send("hi", 30), 0u);
    EXPECT_EQ(lines_with("error [a] Could not send"), 1u);
    EXPECT_EQ(lines_with("Nothing sent: no echo server is connected"), 1u);
}

TEST_F(ClientAppTest, LongAndBinaryEchoesAreShownShort) {
    start_with_three_connected();
    app_.socket_message(1, std::string(App::kLogMessageBytes + 5, 'x'), true, 40);
    EXPECT_EQ(lines_with("x\xE2\x80\xA6 (5 more bytes)"), 1u);
    app_.socket_message(2, std::string_view("\0\1\2", 3), false, 40);
    EXPECT_EQ(lines_with("echo [b] Echo: (binary, 3 bytes)"), 1u);
}

TEST_F(ClientAppTest, AStoppedServerIsRetriedWithBackoff) {
    start_with_three_connected();
    app_.socket_closed(2, 1001, "", 1000);
    EXPECT_EQ(status("b"), Status::disconnected);
    EXPECT_EQ(view_.cards["b"].status, "disconnected");
    EXPECT_EQ(view_.summary, "2 connected \xC2\xB7 1 disconnected");
    EXPECT_EQ(view_.lines.back(), "17:42:03.000 error [b] Disconnected: server going away (1001)");
    EXPECT_DOUBLE_EQ(wakeup_after(1000), 1500);  // 500 ms, before the refresh at 5000

    app_.tick(1499);
    EXPECT_EQ(platform_.opened.size(), 3u);
    app_.tick(1500);
    ASSERT_EQ(platform_.opened.size(), 4u);
    EXPECT_EQ(platform_.opened[4], "ws://localhost:4002");
    EXPECT_EQ(view_.cards["b"].status, "connecting");
    EXPECT_EQ(view_.cards["b"].detail, "Retry 1 (last: server going away (1001))");

    app_.socket_closed(4, 1006, "", 1510);
    EXPECT_EQ(view_.lines.back(), "17:42:03.000 error [b] Retry 1 failed: could not connect");
    EXPECT_DOUBLE_EQ(wakeup_after(2000), 2510);  // the delay doubled (at 2000 the live region spoke)

    app_.tick(2510);
    app_.socket_opened(5, 2520);
    EXPECT_EQ(status("b"), Status::connected);
    EXPECT_EQ(view_.summary, "3 connected");
}

TEST_F(ClientAppTest, RetriesAreCountedFromOne) {
    app_.start(0);
    app_.registry_loaded(registry({{"a", 4001}}), 10);
    app_.socket_closed(1, 1006, "", 20);
    EXPECT_EQ(view_.lines.back(), "17:42:03.000 error [a] First attempt failed: could not connect");
    app_.tick(520);
    EXPECT_EQ(view_.cards["a"].detail, "Retry 1 (last: could not connect)");
    app_.socket_closed(2, 1006, "", 530);
    EXPECT_EQ(view_.lines.back(), "17:42:03.000 error [a] Retry 1 failed: could not connect");
    app_.tick(1530);
    app_.socket_closed(3, 1006, "", 1540);
    EXPECT_EQ(view_.lines.back(), "17:42:03.000 error [a] Retry 2 failed: could not connect");
    EXPECT_EQ(lines_with("Attempt"), 0u);
}

TEST_F(ClientAppTest, AServerThatLeavesTheRegistryLeavesThePage) {
    start_with_three_connected();
    app_.socket_closed(2, 1001, "", 1000);
    app_.tick(5000);
    ASSERT_EQ(platform_.fetches.size(), 2u);
    app_.registry_loaded(registry({{"a", 4001}, {"c", 4003}}), 5010);
    EXPECT_EQ(view_.cards.count("b"), 0u);
    EXPECT_EQ(view_.removed, std::vector<std::string>{"b"});
    EXPECT_EQ(view_.count_text, "Found 2 servers");
    EXPECT_EQ(view_.summary, "2 connected");
    EXPECT_EQ(lines_with("info [b] Left the registry"), 1u);
    EXPECT_EQ(app_.servers().size(), 2u);
}

TEST_F(ClientAppTest, LeavingClosesAnOpenSocketAndIgnoresItsLateEvents) {
    start_with_three_connected();
    app_.tick(5000);
    app_.registry_loaded(registry({{"a", 4001}, {"c", 4003}}), 5010);
    ASSERT_EQ(platform_.closed.size(), 1u);
    EXPECT_EQ(platform_.closed[0].socket, 2);
    EXPECT_EQ(platform_.closed[0].code, 1000);
    EXPECT_EQ(platform_.closed[0].reason, "server left the registry");
    size_t lines = view_.lines.size();
    app_.socket_message(2, "late", true, 5020);
    app_.socket_closed(2, 1000, "", 5030);
    app_.socket_opened(2, 5040);
    EXPECT_EQ(view_.lines.size(), lines);
}

TEST_F(ClientAppTest, ANewServerIsConnectedWithinOneRefresh) {
    start_with_three_connected();
    EXPECT_DOUBLE_EQ(wakeup_after(20), 5000);
    app_.tick(5000);
    app_.registry_loaded(registry({{"a", 4001}, {"b", 4002}, {"c", 4003}, {"d", 4004}}), 5010);
    EXPECT_EQ(platform_.opened[4], "ws://localhost:4004");
    app_.socket_opened(4, 5015);
    EXPECT_EQ(view_.cards["d"].status, "connected");
    EXPECT_EQ(view_.count_text, "Found 4 servers");
}

TEST_F(ClientAppTest, ARestartedServerUnderTheSameIdIsReconnected) {
    start_with_three_connected();
    app_.tick(5000);
    app_.registry_loaded(registry({{"a", 4001}, {"b", 4999}, {"c", 4003}}), 5010);
    ASSERT_EQ(platform_.closed.size(), 1u);
    EXPECT_EQ(platform_.closed[0].socket, 2);
    EXPECT_EQ(platform_.opened[4], "ws://localhost:4999");
    EXPECT_EQ(view_.cards["b"].port, "4999");
    EXPECT_EQ(view_.cards["b"].status, "connecting");
    EXPECT_EQ(lines_with("info [b] Restarted on port 4999"), 1u);
    EXPECT_TRUE(view_.removed.empty());  // the card is updated where it is
}

TEST_F(ClientAppTest, RegistryOutageIsShownOnceAndRecovers) {
    start_with_three_connected();
    app_.tick(5000);
    app_.registry_failed("no answer from /api/registry (is registry-http running?)", 5010);
    EXPECT_TRUE(app_.registry_down());
    EXPECT_EQ(view_.registry_state, "error");
    EXPECT_EQ(view_.registry.label, "Unreachable");
    EXPECT_EQ(view_.registry_text,
              "since 17:42:03: no answer from /api/registry (is registry-http running?) \xC2\xB7 "
              "retrying every 5 s");
    // Kept as last seen, and said to be stale.
    EXPECT_EQ(view_.count_text, "Found 3 servers (stale since 17:42:03)");
    EXPECT_TRUE(view_.stale);
    EXPECT_EQ(app_.servers().size(), 3u);
    EXPECT_DOUBLE_EQ(wakeup_after(6000), 10000);  // (at 6000 the live region spoke)

    app_.tick(10000);
    app_.registry_failed("no answer from /api/registry (is registry-http running?)", 10010);
    EXPECT_EQ(lines_with("Registry unreachable"), 1u);

    app_.tick(15000);
    ASSERT_EQ(platform_.fetches.size(), 4u);
    app_.registry_loaded(registry({{"a", 4001}, {"b", 4002}, {"c", 4003}, {"d", 4004}}), 15010);
    EXPECT_FALSE(app_.registry_down());
    EXPECT_EQ(view_.registry_state, "ok");
    EXPECT_EQ(lines_with("info Registry reachable again"), 1u);
    EXPECT_EQ(view_.count_text, "Found 4 servers");
    EXPECT_FALSE(view_.stale);
}

TEST_F(ClientAppTest, AnAnswerThatIsNotARegistryIsAnOutage) {
    app_.start(0);
    app_.registry_loaded("<html>502</html>", 10);
    EXPECT_EQ(view_.registry_state, "error");
    EXPECT_EQ(view_.lines.back(),
              "17:42:03.000 error Registry unreachable: /api/registry did not answer with a registry: "
              "not JSON: line 1, column 1: expected a value");
    EXPECT_EQ(view_.count_text, "Looking for servers\xE2\x80\xA6");
    EXPECT_DOUBLE_EQ(wakeup_after(10), 5000);
}

TEST_F(ClientAppTest, BadEntriesAreReportedOnceEach) {
    app_.start(0);
    std::string body = R"([{"id": "a", "port": 4001}, {"id": "b", "port": 0}])";
    app_.registry_loaded(body, 10);
    EXPECT_EQ(view_.count_text, "Found 1 server");
    EXPECT_EQ(lines_with("error Registry entry skipped: entry 2 (b) has no \"port\" from 1 to 65535"), 1u);
    app_.tick(5000);
    app_.registry_loaded(body, 5010);
    EXPECT_EQ(lines_with("Registry entry skipped"), 1u);
}

TEST_F(ClientAppTest, AHandshakeThatHangsTimesOut) {
    app_.start(0);
    app_.registry_loaded(registry({{"a", 4001}}), 10);
    EXPECT_DOUBLE_EQ(wakeup_after(10), 5000);
    app_.tick(5000);
    app_.registry_loaded(registry({{"a", 4001}}), 5005);
    EXPECT_DOUBLE_EQ(wakeup_after(5005), 10000);
    app_.tick(App::kConnectTimeoutMs + 10);
    ASSERT_EQ(platform_.closed.size(), 1u);
    EXPECT_EQ(platform_.closed[0].socket, 1);
    EXPECT_EQ(status("a"), Status::disconnected);
    EXPECT_EQ(lines_with("error [a] First attempt failed: no answer within 10 s"), 1u);
}

TEST_F(ClientAppTest, ASocketTheBrowserRefusesIsAFailedAttempt) {
    platform_.refuse_sockets = true;
    app_.start(0);
    app_.registry_loaded(registry({{"a", 4001}}), 10);
    EXPECT_EQ(status("a"), Status::disconnected);
    EXPECT_EQ(lines_with("error [a] First attempt failed: the browser refused to open ws://localhost:4001"), 1u);
    EXPECT_DOUBLE_EQ(wakeup_after(10), 510);
}

TEST_F(ClientAppTest, EntriesWithoutUrlUseThePageHost) {
    App app(platform_, view_, polling_only(), "127.0.0.1");
    app.start(0);
    app.registry_loaded(R"({"servers": [{"id": "old", "port": 4100, "pid": 1}]})", 10);
    EXPECT_EQ(platform_.opened[1], "ws://127.0.0.1:4100");
}

TEST_F(ClientAppTest, RefreshIntervalFromOptions) {
    App app(platform_, view_, polling_only(250), "localhost");
    app.start(0);
    app.registry_loaded("[]", 10);
    EXPECT_DOUBLE_EQ(app.next_wakeup_ms(), 250);
    EXPECT_EQ(view_.registry_text, "since 17:42:03 (watch off) \xC2\xB7 read at 17:42:03, every 250 ms");
}

TEST_F(ClientAppTest, ABadOptionIsLogged) {
    App app(platform_, view_, client::parse_options("?refresh=fast&watch=off"), "localhost");
    app.start(0);
    EXPECT_EQ(view_.lines.front(),
              "17:42:03.000 error Option ignored refresh=fast: expected milliseconds from 100 to 3600000");
}

TEST_F(ClientAppTest, TheLogIsTrimmedToItsCapacity) {
    start_with_three_connected();
    for (size_t i = 0; view_.trimmed_to == 0 && i < App::kLogCapacity; ++i) app_.send("x", 30);
    EXPECT_EQ(view_.trimmed_to, App::kLogCapacity);
    EXPECT_EQ(app_.log().entries().size(), App::kLogCapacity);
}

}  // namespace
