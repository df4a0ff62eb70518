#include "client/registry.h"

#include <gtest/gtest.h>

namespace {

using client::diff_registry;
using client::parse_registry;
using client::Registry;
using client::ServerInfo;

// registry-http's answer for two servers, as in the seed.
constexpr std::string_view kTwoServers = R"([
  {"id": "server-1735946123456-abc123", "port": 54321, "url": "ws://localhost:54321", "pid": 12345,
   "startedAt": "2026-01-03T17:42:03.456Z"},
  {"id": "server-1735946123789-def456", "port": 54322, "url": "ws://localhost:54322", "pid": 12346,
   "startedAt": "2026-01-03T17:42:03.789Z"}
])";

const ServerInfo kFirst{"server-1735946123456-abc123", 54321, 12345, "ws://localhost:54321",
                        "2026-01-03T17:42:03.456Z"};
const ServerInfo kSecond{"server-1735946123789-def456", 54322, 12346, "ws://localhost:54322",
                         "2026-01-03T17:42:03.789Z"};

TEST(ClientRegistry, ParsesTheArrayRegistryHttpServes) {
    Result<Registry> registry = parse_registry(kTwoServers);
    ASSERT_TRUE(registry.ok()) << registry.error().message;
    EXPECT_EQ(registry.value().servers, (std::vector<ServerInfo>{kFirst, kSecond}));
    EXPECT_TRUE(registry.value().problems.empty());
}

TEST(ClientRegistry, ParsesTheFileFormatToo) {
    // The seed's file: no "url", so the page builds one from the port.
    Result<Registry> registry = parse_registry(R"({"servers": [
        {"id": "server-1", "port": 54321, "pid": 12345, "startedAt": "2026-01-03T17:42:03.456Z"}]})");
    ASSERT_TRUE(registry.ok()) << registry.error().message;
    EXPECT_EQ(registry.value().servers,
              (std::vector<ServerInfo>{{"server-1", 54321, 12345, "", "2026-01-03T17:42:03.456Z"}}));
}

TEST(ClientRegistry, EmptyAndMinimalEntries) {
    Result<Registry> empty = parse_registry("[]");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty.value().servers.empty());

    Result<Registry> minimal = parse_registry(
        R"([{"id": "a", "port": 1}, {"id": "b", "port": 65535, "pid": null, "url": null, "startedAt": null,
             "capabilities": ["yjs"], "extra": {"x": 1}}])");
    ASSERT_TRUE(minimal.ok()) << minimal.error().message;
    EXPECT_EQ(minimal.value().servers,
              (std::vector<ServerInfo>{{"a", 1, 0, "", ""}, {"b", 65535, 0, "", ""}}));
    EXPECT_TRUE(minimal.value().problems.empty());
}

struct BodyErrorCase {
    const char* name;
    const char* body;
    const char* message;
};

const BodyErrorCase kBodyErrors[] = {
    {"empty_body", "", "not JSON: line 1, column 1: the input is empty"},
    {"html_error_page", "<html>", "not JSON: line 1, column 1: expected a value"},
    {"trailing_comma", "[{\"id\": \"a\", \"port\": 1},]",
     "not JSON: line 1, column 24: trailing comma before ']'"},
    {"object_without_servers", "{\"serverz\": []}", "the object has no \"servers\" array"},
    {"servers_not_array", "{\"servers\": {}}", "the object has no \"servers\" array"},
    {"string", "\"servers\"", "expected a JSON array of servers"},
    {"number", "42", "expected a JSON array of servers"},
    {"null", "null", "expected a JSON array of servers"},
};

class ClientRegistryBodyTest : public testing::TestWithParam<BodyErrorCase> {};

TEST_P(ClientRegistryBodyTest, Rejected) {
    const BodyErrorCase& c = GetParam();
    Result<Registry> registry = parse_registry(c.body);
    ASSERT_FALSE(registry.ok());
    EXPECT_EQ(registry.error().message, c.message);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientRegistryBodyTest, testing::ValuesIn(kBodyErrors),
                         [](const testing::TestParamInfo<BodyErrorCase>& param_info) {
                             return param_info.param.name;
                         });

struct EntryErrorCase {
    const char* name;
    const char* entry;
    const char* problem;
};

// Each entry sits between two good ones, which must survive it.
const EntryErrorCase kEntryErrors[] = {
    {"not_an_object", "[1]", "entry 2 is not an object"},
    {"no_id", R"({"port": 80})", "entry 2 has no \"id\" string"},
    {"empty_id", R"({"id": "", "port": 80})", "entry 2 has no \"id\" string"},
    {"numeric_id", R"({"id": 7, "port": 80})", "entry 2 has no \"id\" string"},
    {"no_port", R"({"id": "x"})", "entry 2 (x) has no \"port\" from 1 to 65535"},
    {"port_zero", R"({"id": "x", "port": 0})", "entry 2 (x) has no \"port\" from 1 to 65535"},
    {"port_too_big", R"({"id": "x", "port": 65536})", "entry 2 (x) has no \"port\" from 1 to 65535"},
    {"port_string", R"({"id": "x", "port": "80"})", "entry 2 (x) has no \"port\" from 1 to 65535"},
    {"port_fraction", R"({"id": "x", "port": 80.5})", "entry 2 (x) has no \"port\" from 1 to 65535"},
    {"pid_zero", R"({"id": "x", "port": 80, "pid": 0})",
     "entry 2 (x) has a \"pid\" that is not a positive integer"},
    {"pid_string", R"({"id": "x", "port": 80, "pid": "12"})",
     "entry 2 (x) has a \"pid\" that is not a positive integer"},
    {"url_number", R"({"id": "x", "port": 80, "url": 80})", "entry 2 (x) has a \"url\" that is not a string"},
    {"started_number", R"({"id": "x", "port": 80, "startedAt": 1})",
     "entry 2 (x) has a \"startedAt\" that is not a string"},
    {"name_number", R"({"id": "x", "port": 80, "name": 1})", "entry 2 (x) has a \"name\" that is not a string"},
    {"kind_object", R"({"id": "x", "port": 80, "kind": {}})", "entry 2 (x) has a \"kind\" that is not a string"},
    {"status_number", R"({"id": "x", "port": 80, "status": 3})",
     "entry 2 (x) has a \"status\" that is not a string"},
    {"connections_negative", R"({"id": "x", "port": 80, "connections": -1})",
     "entry 2 (x) has a \"connections\" that is not a count"},
    {"messages_string", R"({"id": "x", "port": 80, "messages": "4"})",
     "entry 2 (x) has a \"messages\" that is not a count"},
    {"duplicate_id", R"({"id": "first", "port": 99})", "entry 2 repeats the id first; the first is kept"},
};

class ClientRegistryEntryTest : public testing::TestWithParam<EntryErrorCase> {};

TEST_P(ClientRegistryEntryTest, SkippedWithAProblem) {
    const EntryErrorCase& c = GetParam();
    std::string body =
        std::string(R"([{"id": "first", "port": 1}, )") + c.entry + R"(, {"id": "last", "port": 2}])";
    Result<Registry> registry = parse_registry(body);
    ASSERT_TRUE(registry.ok()) << registry.error().message;
    EXPECT_EQ(registry.value().servers,
              (std::vector<ServerInfo>{{"first", 1, 0, "", ""}, {"last", 2, 0, "", ""}}));
    EXPECT_EQ(registry.value().problems, std::vector<std::string>{c.problem});
}

INSTANTIATE_TEST_SUITE_P(Table, ClientRegistryEntryTest, testing::ValuesIn(kEntryErrors),
                         [](const testing::TestParamInfo<EntryErrorCase>& param_info) {
                             return param_info.param.name;
                         });

TEST(ClientRegistry, ATruncatedAnswerIsNeverAShorterRegistry) {
    for (size_t size = 0; size < kTwoServers.size(); ++size)
        EXPECT_FALSE(parse_registry(kTwoServers.substr(0, size)).ok()) << size;
}

TEST(ClientRegistry, DiffNothingChanged) {
    std::vector<ServerInfo> known{kFirst, kSecond};
    client::RegistryDiff diff = diff_registry(known, known);
    EXPECT_TRUE(diff.removed.empty());
    EXPECT_TRUE(diff.added.empty());
    EXPECT_TRUE(diff.replaced.empty());
}

TEST(ClientRegistry, DiffAddedRemovedReplaced) {
    ServerInfo restarted = kSecond;
    restarted.port = 60000;
    restarted.url = "ws://localhost:60000";
    ServerInfo third{"server-3", 7000, 3, "", ""};
    std::vector<ServerInfo> known{kFirst, kSecond};
    std::vector<ServerInfo> fresh{third, restarted};
    client::RegistryDiff diff = diff_registry(known, fresh);
    EXPECT_EQ(diff.removed, std::vector<std::string>{kFirst.id});
    EXPECT_EQ(diff.added, std::vector<size_t>{0});
    EXPECT_EQ(diff.replaced, std::vector<size_t>{1});
}

TEST(ClientRegistry, DiffFromNothingAndToNothing) {
    std::vector<ServerInfo> none;
    std::vector<ServerInfo> two{kFirst, kSecond};
    EXPECT_EQ(diff_registry(none, two).added, (std::vector<size_t>{0, 1}));
    EXPECT_EQ(diff_registry(two, none).removed, (std::vector<std::string>{kFirst.id, kSecond.id}));
}

TEST(ClientRegistry, ReadsTheFieldsBeyondTheSeeds) {
    Result<Registry> registry = parse_registry(R"([{"id": "a", "port": 4001, "url": "ws://localhost:4001",
        "name": "chat", "kind": "echo", "instance": "0123456789abcdef0123456789abcdef", "host": "box",
        "version": "1.2.0", "meta": {"team": "x"}, "status": "live", "connections": 2, "messages": 40}])");
    ASSERT_TRUE(registry.ok()) << registry.error().message;
    ASSERT_EQ(registry.value().servers.size(), 1u);
    const ServerInfo& a = registry.value().servers[0];
    EXPECT_EQ(a.name, "chat");
    EXPECT_EQ(a.kind, "echo");
    EXPECT_EQ(a.instance, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(a.status, "live");
    EXPECT_EQ(a.connections, 2);
    EXPECT_EQ(a.messages, 40);
    EXPECT_TRUE(registry.value().problems.empty());
    // Absent counters are -1, not 0: "not served" is not "none yet".
    EXPECT_EQ(kFirst.connections, -1);
}

TEST(ClientRegistry, KindsAndSockets) {
    ServerInfo server = kFirst;
    EXPECT_TRUE(client::is_echo(server));  // no kind: an older ws-server, an echo server
    server.kind = "echo";
    EXPECT_TRUE(client::is_echo(server));
    server.kind = "yjs";
    EXPECT_FALSE(client::is_echo(server));
    EXPECT_TRUE(client::has_socket(server));  // ws:// url: connected, not sent to
    server.url = "";
    EXPECT_TRUE(client::has_socket(server));
    server.url = "http://localhost:8080/";
    EXPECT_FALSE(client::has_socket(server));
}

TEST(ClientRegistry, DiffStatusAndCountersAreUpdatesNotRestarts) {
    ServerInfo probed = kFirst;
    probed.status = "live";
    probed.connections = 3;
    probed.name = "renamed";
    std::vector<ServerInfo> known{kFirst, kSecond};
    std::vector<ServerInfo> fresh{probed, kSecond};
    client::RegistryDiff diff = diff_registry(known, fresh);
    EXPECT_TRUE(diff.replaced.empty());
    EXPECT_EQ(diff.updated, std::vector<size_t>{0});

    ServerInfo restarted = kFirst;
    restarted.instance = "another";  // same id, port and pid, but a new start
    fresh = {restarted, kSecond};
    EXPECT_EQ(diff_registry(known, fresh).replaced, std::vector<size_t>{0});
}

TEST(ClientRegistry, DiffAPidChangeIsAReplacement) {
    ServerInfo new_process = kFirst;
    new_process.pid = 999;
    std::vector<ServerInfo> known{kFirst};
    std::vector<ServerInfo> fresh{new_process};
    EXPECT_EQ(diff_registry(known, fresh).replaced, std::vector<size_t>{0});
}

struct UrlCase {
    const char* name;
    const char* url;
    int port;
    const char* page_host;
    const char* expected;
};

const UrlCase kUrlCases[] = {
    {"entry_url", "ws://localhost:54321", 54321, "localhost", "ws://localhost:54321"},
    {"secure_entry_url", "wss://example.test:443/socket", 443, "localhost", "wss://example.test:443/socket"},
    {"ipv6_entry_url", "ws://[::1]:4000", 4000, "localhost", "ws://[::1]:4000"},
    {"no_url_uses_page_host", "", 4000, "127.0.0.1", "ws://127.0.0.1:4000"},
    {"no_url_no_host", "", 4000, "", "ws://localhost:4000"},
    {"page_host_ipv6_bracketed", "", 4000, "[::1]", "ws://[::1]:4000"},
    {"page_host_ipv6_bare", "", 4000, "::1", "ws://[::1]:4000"},
    {"http_url_is_no_socket", "http://localhost:4000", 4000, "localhost", ""},
    {"https_url_is_no_socket", "https://example.test/", 443, "localhost", ""},
    {"url_without_scheme_uses_the_port", "localhost:4000", 4000, "localhost", "ws://localhost:4000"},
    {"fragment_refused", "ws://localhost:4000/#x", 4000, "localhost", "ws://localhost:4000"},
    {"space_refused", "ws://local host:4000", 4000, "localhost", "ws://localhost:4000"},
    {"no_host_refused", "ws://:4000", 4000, "localhost", "ws://localhost:4000"},
    {"scheme_only_refused", "ws://", 4000, "localhost", "ws://localhost:4000"},
    {"control_char_refused", "ws://localhost:4000\n", 4000, "localhost", "ws://localhost:4000"},
    {"odd_page_host_replaced", "", 4000, "bad host", "ws://localhost:4000"},
};

class ClientSocketUrlTest : public testing::TestWithParam<UrlCase> {};

TEST_P(ClientSocketUrlTest, Url) {
    const UrlCase& c = GetParam();
    ServerInfo server{"s", c.port, 1, c.url, ""};
    EXPECT_EQ(client::socket_url(server, c.page_host), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientSocketUrlTest, testing::ValuesIn(kUrlCases),
                         [](const testing::TestParamInfo<UrlCase>& param_info) {
                             return param_info.param.name;
                         });

}  // namespace
