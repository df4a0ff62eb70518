#include "client/view.h"

#include <gtest/gtest.h>

namespace {

using client::CardContext;
using client::CardModel;
using client::Connection;
using client::ServerInfo;

TEST(ClientView, CountText) {
    EXPECT_EQ(client::count_text(0, false), "Looking for servers\xE2\x80\xA6");
    EXPECT_EQ(client::count_text(3, false), "Looking for servers\xE2\x80\xA6");
    EXPECT_EQ(client::count_text(0, true), "Found 0 servers");
    EXPECT_EQ(client::count_text(1, true), "Found 1 server");
    EXPECT_EQ(client::count_text(3, true), "Found 3 servers");
}

TEST(ClientView, StaleCountText) {
    // 17:42:03 UTC, shown in Paris.
    EXPECT_EQ(client::stale_count_text(3, 1767462123000.0, 60), "Found 3 servers (stale since 18:42:03)");
    EXPECT_EQ(client::stale_count_text(1, 1767462123000.0, 0), "Found 1 server (stale since 17:42:03)");
}

TEST(ClientView, SummaryText) {
    EXPECT_EQ(client::summary_text(1, 0, 0, 2), "1 connected \xC2\xB7 2 link only");
    EXPECT_EQ(client::summary_text(0, 0, 0), "");
    EXPECT_EQ(client::summary_text(3, 0, 0), "3 connected");
    EXPECT_EQ(client::summary_text(0, 1, 0), "0 connected \xC2\xB7 1 connecting");
    EXPECT_EQ(client::summary_text(2, 1, 1), "2 connected \xC2\xB7 1 connecting \xC2\xB7 1 disconnected");
    EXPECT_EQ(client::summary_text(1, 0, 2), "1 connected \xC2\xB7 2 disconnected");
}

// now_ms 1000 on the monotonic clock is 2026-01-03T17:42:03.000Z.
CardContext context() {
    return CardContext{"ws://localhost:4001", 1000, 1767462123000.0, 0};
}

ServerInfo server() {
    return ServerInfo{"server-1", 4001, 77, "ws://localhost:4001", "2026-01-03T17:40:00.123Z"};
}

TEST(ClientView, CardWhileConnecting) {
    Connection connection(server());
    connection.start_attempt(1, 1000);
    CardModel card = make_card(connection, context());
    CardModel expected;
    expected.id = "server-1";
    expected.name = "server-1";  // no name in the entry: its id
    expected.kind = "echo (assumed)";
    expected.status = "connecting";
    expected.status_label = "Connecting";
    expected.port = "4001";
    expected.pid = "77";
    expected.url = "ws://localhost:4001";
    expected.started = "2026-01-03 17:40:00";
    expected.detail = "Opening WebSocket\xE2\x80\xA6";
    EXPECT_EQ(card, expected);
}

TEST(ClientView, CardWhenConnected) {
    Connection connection(server());
    connection.start_attempt(1, 900);
    connection.opened(940);
    connection.count_sent();
    connection.count_echo();
    CardModel card = make_card(connection, context());
    EXPECT_EQ(card.status, "connected");
    EXPECT_EQ(card.status_label, "Connected");
    EXPECT_EQ(card.detail, "Open since 17:42:02 \xC2\xB7 1 sent \xC2\xB7 1 echoed");
}

TEST(ClientView, CardWhenDisconnectedSaysWhyAndWhen) {
    Connection connection(server());
    connection.start_attempt(1, 900);
    connection.closed("could not connect", 1000, 1.0, client::Backoff{});  // retry 500 ms later
    CardModel card = make_card(connection, context());
    EXPECT_EQ(card.status, "disconnected");
    EXPECT_EQ(card.status_label, "Disconnected");
    EXPECT_EQ(card.detail, "could not connect \xC2\xB7 next attempt at 17:42:03");
}

TEST(ClientView, CardWhileReconnecting) {
    Connection connection(server());
    connection.start_attempt(1, 0);
    connection.closed("server going away (1001)", 10, 0, client::Backoff{});
    connection.start_attempt(2, 1000);
    EXPECT_EQ(make_card(connection, context()).detail,
              "Retry 1 (last: server going away (1001))");
    connection.closed("could not connect", 1010, 0, client::Backoff{});
    connection.start_attempt(3, 1000);
    EXPECT_EQ(make_card(connection, context()).detail, "Retry 2 (last: could not connect)");
    connection.opened(1000);
    connection.closed("connection lost", 1000, 0, client::Backoff{});
    connection.start_attempt(4, 1000);
    EXPECT_EQ(make_card(connection, context()).detail, "Retry 1 (last: connection lost)");  // counted from the open
}

TEST(ClientView, CardWithoutOptionalFields) {
    Connection connection(ServerInfo{"old", 4002, 0, "", ""});
    CardModel card = make_card(connection, context());
    EXPECT_EQ(card.pid, "-");
    EXPECT_EQ(card.started, "-");
    EXPECT_EQ(card.detail, "Not connected \xC2\xB7 next attempt at 17:42:02");
}

TEST(ClientView, CardShowsAnUnreadableStartTimeAsGiven) {
    Connection connection(ServerInfo{"odd", 4003, 5, "", "yesterday"});
    EXPECT_EQ(make_card(connection, context()).started, "yesterday");
}

TEST(ClientView, CardUsesTheLocalTimeZone) {
    Connection connection(server());
    CardContext in_paris = context();
    in_paris.utc_offset_minutes = 60;
    EXPECT_EQ(make_card(connection, in_paris).started, "2026-01-03 18:40:00");
}

TEST(ClientView, CardShowsNameKindHealthAndCounters) {
    ServerInfo info = server();
    info.name = "chat";
    info.kind = "echo";
    info.status = "unresponsive";
    info.connections = 2;
    info.messages = 1;
    Connection connection(info);
    CardModel card = make_card(connection, context());
    EXPECT_EQ(card.name, "chat");
    EXPECT_EQ(card.id, "server-1");
    EXPECT_EQ(card.kind, "echo");
    EXPECT_EQ(card.health, "unresponsive");
    EXPECT_EQ(card.health_label, "Unresponsive");
    EXPECT_EQ(card.counters, "2 connections \xC2\xB7 1 message");
    EXPECT_EQ(card.link, "");  // a ws:// url is where the page connects, not a link

    info.connections = -1;
    EXPECT_EQ(make_card(Connection(info), context()).counters, "1 message");
    info.messages = -1;
    EXPECT_EQ(make_card(Connection(info), context()).counters, "");
}

struct HealthCase {
    const char* status;
    const char* label;
};

TEST(ClientView, HealthLabels) {
    for (HealthCase c : {HealthCase{"unknown", "Not probed yet"}, HealthCase{"live", "Live"},
                         HealthCase{"refused", "Refused"}, HealthCase{"unresponsive", "Unresponsive"},
                         HealthCase{"impostor", "Impostor"}, HealthCase{"sleepy", "sleepy"}, HealthCase{"", ""}}) {
        ServerInfo info = server();
        info.status = c.status;
        EXPECT_EQ(make_card(Connection(info), context()).health_label, c.label) << c.status;
    }
}

TEST(ClientView, AnotherKindOverWebSocketIsConnectedButNotSentTo) {
    ServerInfo info = server();
    info.kind = "yjs";
    Connection connection(info);
    connection.start_attempt(1, 900);
    connection.opened(940);
    CardModel card = make_card(connection, context());
    EXPECT_EQ(card.kind, "yjs");
    EXPECT_EQ(card.status, "connected");
    EXPECT_EQ(card.detail, "Open since 17:42:02 \xC2\xB7 not an echo server: no test messages");
}

TEST(ClientView, AnHttpEntryIsALinkWithoutASocket) {
    ServerInfo info{"web-1", 8080, 9, "http://localhost:8080/", ""};
    info.kind = "http";
    info.name = "docs";
    Connection connection(info);
    EXPECT_EQ(connection.status(), client::Status::none);
    CardContext no_socket = context();
    no_socket.url = "";  // socket_url() of an http entry
    CardModel card = make_card(connection, no_socket);
    EXPECT_EQ(card.status, "none");
    EXPECT_EQ(card.status_label, "No WebSocket");
    EXPECT_EQ(card.url, "http://localhost:8080/");
    EXPECT_EQ(card.link, "http://localhost:8080/");
    EXPECT_EQ(card.detail, "Not a WebSocket: the page only links to it");
    EXPECT_FALSE(connection.retry_due(1e12));  // never connected, never retried
}

TEST(ClientView, AnnouncementSumsUpTheLog) {
    client::LogTally tally;
    EXPECT_EQ(client::announcement_text(tally), "");
    tally.add({0, client::LogKind::echo, "[a] Echo: hi", "a"});
    EXPECT_EQ(client::announcement_text(tally), "[a] Echo: hi");  // one line: the line itself
    tally.add({0, client::LogKind::echo, "[b] Echo: hi", "b"});
    tally.add({0, client::LogKind::sent, "Sent: hi", "a"});
    EXPECT_EQ(client::announcement_text(tally), "2 echoes, 1 message sent");
    tally.add({0, client::LogKind::error, "[c] Disconnected: connection lost", "c"});
    tally.add({0, client::LogKind::info, "[c] Left the registry", "c"});
    EXPECT_EQ(client::announcement_text(tally),
              "2 echoes, 1 message sent, 1 event, 1 error. Last error: [c] Disconnected: connection lost");
}

}  // namespace
