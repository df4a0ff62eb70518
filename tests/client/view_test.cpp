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

TEST(ClientView, SummaryText) {
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
    EXPECT_EQ(card, (CardModel{"server-1", "connecting", "Connecting", "4001", "77", "ws://localhost:4001",
                               "2026-01-03 17:40:00", "Opening WebSocket\xE2\x80\xA6"}));
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
              "Reconnecting, attempt 2 (last: server going away (1001))");
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

}  // namespace
