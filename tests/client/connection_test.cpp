#include "client/connection.h"

#include <gtest/gtest.h>

namespace {

using client::Backoff;
using client::Connection;
using client::describe_close;
using client::ServerInfo;
using client::Status;

ServerInfo server() {
    return ServerInfo{"server-1", 4001, 77, "ws://localhost:4001", ""};
}

TEST(ClientConnection, StartsDisconnectedAndDue) {
    Connection connection(server());
    EXPECT_EQ(connection.status(), Status::disconnected);
    EXPECT_EQ(connection.socket(), 0);
    EXPECT_EQ(connection.attempts(), 0);
    EXPECT_TRUE(connection.retry_due(0));
}

TEST(ClientConnection, ConnectingThenConnected) {
    Connection connection(server());
    connection.start_attempt(5, 100);
    EXPECT_EQ(connection.status(), Status::connecting);
    EXPECT_EQ(connection.socket(), 5);
    EXPECT_EQ(connection.attempts(), 1);
    EXPECT_DOUBLE_EQ(connection.since_ms(), 100);
    EXPECT_FALSE(connection.retry_due(1e12));  // only a disconnected server is retried

    connection.opened(120);
    EXPECT_EQ(connection.status(), Status::connected);
    EXPECT_EQ(connection.socket(), 5);
    EXPECT_DOUBLE_EQ(connection.since_ms(), 120);
}

TEST(ClientConnection, FailuresGrowTheDelayAndOpenResetsThem) {
    Connection connection(server());
    Backoff backoff;
    connection.start_attempt(1, 0);
    EXPECT_DOUBLE_EQ(connection.closed("could not connect", 10, 1.0, backoff), 500);
    EXPECT_EQ(connection.status(), Status::disconnected);
    EXPECT_EQ(connection.socket(), 0);
    EXPECT_EQ(connection.failures(), 1);
    EXPECT_EQ(connection.problem(), "could not connect");
    EXPECT_DOUBLE_EQ(connection.retry_at_ms(), 510);
    EXPECT_FALSE(connection.retry_due(509));
    EXPECT_TRUE(connection.retry_due(510));

    connection.start_attempt(2, 510);
    EXPECT_DOUBLE_EQ(connection.closed("could not connect", 520, 1.0, backoff), 1000);
    EXPECT_EQ(connection.failures(), 2);

    connection.start_attempt(3, 1520);
    connection.opened(1530);
    EXPECT_EQ(connection.failures(), 0);
    EXPECT_EQ(connection.problem(), "");
    EXPECT_EQ(connection.attempts(), 3);
    // Losing an established connection starts again from the first delay.
    EXPECT_DOUBLE_EQ(connection.closed("connection lost", 2000, 1.0, backoff), 500);
}

TEST(ClientConnection, ConnectOverdue) {
    Connection connection(server());
    EXPECT_FALSE(connection.connect_overdue(1e9, 10));  // not connecting
    connection.start_attempt(1, 100);
    EXPECT_FALSE(connection.connect_overdue(109, 10));
    EXPECT_TRUE(connection.connect_overdue(110, 10));
    connection.opened(105);
    EXPECT_FALSE(connection.connect_overdue(1e9, 10));
}

TEST(ClientConnection, Counters) {
    Connection connection(server());
    connection.count_sent();
    connection.count_sent();
    connection.count_echo();
    EXPECT_EQ(connection.sent(), 2u);
    EXPECT_EQ(connection.echoed(), 1u);
}

TEST(ClientConnection, StatusNames) {
    EXPECT_EQ(client::status_name(Status::connecting), "connecting");
    EXPECT_EQ(client::status_name(Status::connected), "connected");
    EXPECT_EQ(client::status_name(Status::disconnected), "disconnected");
    EXPECT_EQ(client::status_label(Status::connecting), "Connecting");
    EXPECT_EQ(client::status_label(Status::connected), "Connected");
    EXPECT_EQ(client::status_label(Status::disconnected), "Disconnected");
}

struct CloseCase {
    const char* name;
    uint16_t code;
    const char* reason;
    bool was_open;
    const char* expected;
};

const CloseCase kCloseCases[] = {
    {"refused", 1006, "", false, "could not connect"},
    {"dropped", 1006, "", true, "connection lost"},
    {"no_code", 0, "", true, "connection lost"},
    {"normal", 1000, "", true, "closed normally (1000)"},
    {"going_away", 1001, "", true, "server going away (1001)"},
    {"going_away_with_reason", 1001, "shutting down", true, "server going away (1001): shutting down"},
    {"protocol", 1002, "client frame is not masked", true,
     "protocol error (1002): client frame is not masked"},
    {"unsupported", 1003, "", true, "unsupported data (1003)"},
    {"bad_utf8", 1007, "", true, "invalid message data (1007)"},
    {"policy", 1008, "", false, "policy violation (1008)"},
    {"too_big", 1009, "limit 1048576", true, "message too big (1009): limit 1048576"},
    {"server_error", 1011, "", true, "server error (1011)"},
    {"application_code", 4000, "bye", true, "closed (4000): bye"},
};

class ClientCloseTest : public testing::TestWithParam<CloseCase> {};

TEST_P(ClientCloseTest, Describe) {
    const CloseCase& c = GetParam();
    EXPECT_EQ(describe_close(c.code, c.reason, c.was_open), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientCloseTest, testing::ValuesIn(kCloseCases),
                         [](const testing::TestParamInfo<CloseCase>& param_info) {
                             return param_info.param.name;
                         });

}  // namespace
