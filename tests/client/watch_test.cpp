#include "client/watch.h"

#include <gtest/gtest.h>

namespace {

using client::check_watch_message;
using client::parse_watch_message;
using client::ServerInfo;
using client::WatchMessage;
using client::WatchPosition;
using client::WatchType;
using client::WatchVerdict;

WatchMessage parse(std::string_view text) {
    Result<WatchMessage> message = parse_watch_message(text);
    EXPECT_TRUE(message.ok()) << text << ": " << (message.ok() ? "" : message.error().message);
    return message.ok() ? message.value() : WatchMessage{};
}

// The examples of docs/http.md.
constexpr std::string_view kSnapshot =
    R"({"type":"snapshot","epoch":4417,"gen":3,"heartbeatMs":15000,"servers":[{"id":"server-1795345143549-hzl13e","port":43747,)"
    R"("url":"ws://localhost:43747","pid":12579,"startedAt":"2026-11-22T10:59:03.549Z","status":"live",)"
    R"("connections":1,"messages":12}]})";
constexpr std::string_view kDiffAdd =
    R"({"type":"diff","epoch":4417,"gen":4,"base":3,"upsert":[{"id":"server-1795345199001-k2m9xq","port":40111,)"
    R"("url":"ws://localhost:40111","pid":12601,"startedAt":"2026-11-22T11:00:00.001Z","status":"unknown"}],)"
    R"("remove":[]})";
constexpr std::string_view kDiffRemove =
    R"({"type":"diff","epoch":4417,"gen":5,"base":4,"upsert":[],"remove":["server-1795345143549-hzl13e"]})";
constexpr std::string_view kHeartbeat = R"({"type":"heartbeat","epoch":4417,"gen":5})";

TEST(ClientWatch, ParsesTheDocumentedMessages) {
    WatchMessage snapshot = parse(kSnapshot);
    EXPECT_EQ(snapshot.type, WatchType::snapshot);
    EXPECT_EQ(snapshot.position, (WatchPosition{4417, 3}));
    EXPECT_EQ(snapshot.heartbeat_ms, 15000u);
    ASSERT_EQ(snapshot.servers.size(), 1u);
    EXPECT_EQ(snapshot.servers[0].id, "server-1795345143549-hzl13e");
    EXPECT_EQ(snapshot.servers[0].status, "live");
    EXPECT_EQ(snapshot.servers[0].connections, 1);
    EXPECT_EQ(snapshot.servers[0].messages, 12);

    WatchMessage add = parse(kDiffAdd);
    EXPECT_EQ(add.type, WatchType::diff);
    EXPECT_EQ(add.position, (WatchPosition{4417, 4}));
    EXPECT_EQ(add.base, 3u);
    ASSERT_EQ(add.servers.size(), 1u);
    EXPECT_EQ(add.servers[0].port, 40111);
    EXPECT_TRUE(add.remove.empty());

    WatchMessage remove = parse(kDiffRemove);
    EXPECT_EQ(remove.remove, std::vector<std::string>{"server-1795345143549-hzl13e"});

    WatchMessage heartbeat = parse(kHeartbeat);
    EXPECT_EQ(heartbeat.type, WatchType::heartbeat);
    EXPECT_EQ(heartbeat.position, (WatchPosition{4417, 5}));

    // An older server's snapshot does not say its period (nor does a bad one).
    EXPECT_EQ(parse(R"({"type":"snapshot","epoch":1,"gen":1,"servers":[]})").heartbeat_ms, 0u);
    EXPECT_EQ(parse(R"({"type":"snapshot","epoch":1,"gen":1,"heartbeatMs":-5,"servers":[]})").heartbeat_ms, 0u);

    // A type from a newer server is not an error, and says nothing.
    EXPECT_EQ(parse(R"({"type":"probe-report","x":1})").type, WatchType::other);
}

TEST(ClientWatch, ABadEntryIsLeftOutOfADiff) {
    WatchMessage diff =
        parse(R"({"type":"diff","epoch":1,"gen":2,"base":1,"upsert":[{"id":"a","port":1},{"id":"b"}],"remove":[]})");
    ASSERT_EQ(diff.servers.size(), 1u);
    EXPECT_EQ(diff.problems, std::vector<std::string>{"entry 2 (b) has no \"port\" from 1 to 65535"});
}

struct BadMessage {
    const char* name;
    const char* text;
    const char* error;
};

class ClientWatchBad : public testing::TestWithParam<BadMessage> {};

TEST_P(ClientWatchBad, IsAnError) {
    Result<WatchMessage> message = parse_watch_message(GetParam().text);
    ASSERT_FALSE(message.ok());
    EXPECT_EQ(message.error().message, GetParam().error);
}

const BadMessage kBadMessages[] = {
    {"not_json", "hello", "not JSON: line 1, column 1: invalid literal 'hello'"},
    {"array", "[]", "not an object with a \"type\" string"},
    {"no_type", R"({"epoch":1,"gen":1})", "not an object with a \"type\" string"},
    {"no_epoch", R"({"type":"heartbeat","gen":1})", "a heartbeat without \"epoch\" and \"gen\" counts"},
    {"negative_gen", R"({"type":"heartbeat","epoch":1,"gen":-1})",
     "a heartbeat without \"epoch\" and \"gen\" counts"},
    {"fraction", R"({"type":"heartbeat","epoch":1.5,"gen":1})", "a heartbeat without \"epoch\" and \"gen\" counts"},
    {"snapshot_without_servers", R"({"type":"snapshot","epoch":1,"gen":1})",
     "a snapshot without a \"servers\" array"},
    {"diff_without_base", R"({"type":"diff","epoch":1,"gen":2,"upsert":[],"remove":[]})",
     "a diff without \"base\", \"upsert\" and \"remove\""},
    {"diff_without_remove", R"({"type":"diff","epoch":1,"gen":2,"base":1,"upsert":[]})",
     "a diff without \"base\", \"upsert\" and \"remove\""},
    {"remove_not_ids", R"({"type":"diff","epoch":1,"gen":2,"base":1,"upsert":[],"remove":[3]})",
     "a diff whose \"remove\" holds something other than ids"},
};

INSTANTIATE_TEST_SUITE_P(Table, ClientWatchBad, testing::ValuesIn(kBadMessages),
                         [](const testing::TestParamInfo<BadMessage>& param_info) { return param_info.param.name; });

// Every case of base, gen and epoch against what the page holds (epoch 7, gen 4).
struct CheckCase {
    const char* name;
    bool held;  // false: no snapshot yet
    const char* message;
    WatchVerdict verdict;
    const char* reason;
};

const CheckCase kCheckCases[] = {
    {"snapshot_before_any", false, R"({"type":"snapshot","epoch":7,"gen":4,"servers":[]})", WatchVerdict::apply, ""},
    {"snapshot_same_position", true, R"({"type":"snapshot","epoch":7,"gen":4,"servers":[]})", WatchVerdict::apply,
     ""},
    {"snapshot_gen_behind", true, R"({"type":"snapshot","epoch":7,"gen":1,"servers":[]})", WatchVerdict::apply, ""},
    {"snapshot_other_epoch", true, R"({"type":"snapshot","epoch":8,"gen":0,"servers":[]})", WatchVerdict::apply,
     ""},
    {"diff_base_matches", true, R"({"type":"diff","epoch":7,"gen":5,"base":4,"upsert":[],"remove":[]})",
     WatchVerdict::apply, ""},
    {"diff_base_ahead", true, R"({"type":"diff","epoch":7,"gen":7,"base":6,"upsert":[],"remove":[]})",
     WatchVerdict::resubscribe, "a diff from gen 6 to 7, the page holds gen 4"},
    {"diff_base_behind", true, R"({"type":"diff","epoch":7,"gen":4,"base":3,"upsert":[],"remove":[]})",
     WatchVerdict::resubscribe, "a diff from gen 3 to 4, the page holds gen 4"},
    {"diff_gen_not_after_base", true, R"({"type":"diff","epoch":7,"gen":4,"base":4,"upsert":[],"remove":[]})",
     WatchVerdict::resubscribe, "a diff from gen 4 to 4, the page holds gen 4"},
    {"diff_other_epoch", true, R"({"type":"diff","epoch":9,"gen":5,"base":4,"upsert":[],"remove":[]})",
     WatchVerdict::resubscribe, "a diff of epoch 9, the page holds epoch 7"},
    {"diff_before_snapshot", false, R"({"type":"diff","epoch":7,"gen":5,"base":4,"upsert":[],"remove":[]})",
     WatchVerdict::resubscribe, "a diff before any snapshot"},
    {"heartbeat_in_step", true, R"({"type":"heartbeat","epoch":7,"gen":4})", WatchVerdict::in_step, ""},
    {"heartbeat_gen_ahead", true, R"({"type":"heartbeat","epoch":7,"gen":6})", WatchVerdict::resubscribe,
     "a heartbeat at gen 6, the page holds gen 4"},
    {"heartbeat_gen_behind", true, R"({"type":"heartbeat","epoch":7,"gen":3})", WatchVerdict::resubscribe,
     "a heartbeat at gen 3, the page holds gen 4"},
    {"heartbeat_other_epoch", true, R"({"type":"heartbeat","epoch":1,"gen":4})", WatchVerdict::resubscribe,
     "a heartbeat of epoch 1, the page holds epoch 7"},
    {"heartbeat_before_snapshot", false, R"({"type":"heartbeat","epoch":7,"gen":4})", WatchVerdict::resubscribe,
     "a heartbeat before any snapshot"},
    {"unknown_type", true, R"({"type":"news"})", WatchVerdict::in_step, ""},
};

class ClientWatchCheck : public testing::TestWithParam<CheckCase> {};

TEST_P(ClientWatchCheck, Verdict) {
    const CheckCase& c = GetParam();
    std::optional<WatchPosition> held;
    if (c.held) held = WatchPosition{7, 4};
    client::WatchCheck check = check_watch_message(held, parse(c.message));
    EXPECT_EQ(check.verdict, c.verdict);
    EXPECT_EQ(check.reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientWatchCheck, testing::ValuesIn(kCheckCases),
                         [](const testing::TestParamInfo<CheckCase>& param_info) { return param_info.param.name; });

TEST(ClientWatch, ApplyReplacesInPlaceAppendsAndRemoves) {
    std::vector<ServerInfo> servers;
    client::apply_watch_message(parse(R"({"type":"snapshot","epoch":1,"gen":1,"servers":[
        {"id":"a","port":1},{"id":"b","port":2},{"id":"c","port":3}]})"),
                                servers);
    ASSERT_EQ(servers.size(), 3u);
    client::apply_watch_message(parse(R"({"type":"diff","epoch":1,"gen":2,"base":1,
        "upsert":[{"id":"b","port":2,"status":"live"},{"id":"d","port":4}],"remove":["a"]})"),
                                servers);
    ASSERT_EQ(servers.size(), 3u);
    EXPECT_EQ(servers[0].id, "b");
    EXPECT_EQ(servers[0].status, "live");
    EXPECT_EQ(servers[1].id, "c");
    EXPECT_EQ(servers[2].id, "d");
    client::apply_watch_message(parse(R"({"type":"snapshot","epoch":2,"gen":0,"servers":[]})"), servers);
    EXPECT_TRUE(servers.empty());
}

TEST(ClientWatch, PathsAndEtags) {
    EXPECT_EQ(client::watch_path(std::nullopt), "/api/registry/watch");
    EXPECT_EQ(client::watch_path(WatchPosition{4417, 3}), "/api/registry/watch?epoch=4417&gen=3");
    EXPECT_EQ(client::format_etag({4417, 5}), "\"4417.5\"");
    EXPECT_EQ(client::parse_etag("\"4417.5\""), (WatchPosition{4417, 5}));
    EXPECT_EQ(client::parse_etag("\"9007199254740991.0\""), (WatchPosition{9007199254740991, 0}));
    for (const char* bad : {"", "4417.5", "\"4417\"", "\"4417.\"", "\".5\"", "W/\"1.2\"", "\"1.2.3\"", "\"-1.2\"",
                            "\"1. 2\"", "\"99999999999999999999.1\""})
        EXPECT_EQ(client::parse_etag(bad), std::nullopt) << bad;
}

TEST(ClientWatch, HeaderValue) {
    // What Chromium's getAllResponseHeaders() gives: lower-case names, CRLF.
    std::string headers = "content-type: application/json\r\netag: \"4417.5\"\r\ncache-control: no-cache\r\n";
    EXPECT_EQ(client::header_value(headers, "ETag"), "\"4417.5\"");
    EXPECT_EQ(client::header_value(headers, "content-type"), "application/json");
    EXPECT_EQ(client::header_value(headers, "last-modified"), "");
    EXPECT_EQ(client::header_value("ETag:\t\"1.2\"  \n", "etag"), "\"1.2\"");
    EXPECT_EQ(client::header_value("", "etag"), "");
}

}  // namespace
