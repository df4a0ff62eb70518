#include "registry/entry.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "json/reader.h"
#include "json/writer.h"

namespace {

using registry::Entry;

TEST(RegistryEntryTest, ToJsonInSpecOrder) {
    const Entry entry{"server-1735946123456-abc123", 54321, "ws://localhost:54321", 12345, "2026-01-03T17:42:03.456Z"};
    EXPECT_EQ(json::to_string(registry::to_json(entry), 0),
              "{\"id\":\"server-1735946123456-abc123\",\"port\":54321,\"url\":\"ws://localhost:54321\","
              "\"pid\":12345,\"startedAt\":\"2026-01-03T17:42:03.456Z\"}");
}

TEST(RegistryEntryTest, FromJsonRoundTrip) {
    const Entry entry{"server-1-abcdef", 3100, "ws://localhost:3100", 99, "2026-01-03T17:30:00.000Z"};
    const std::optional<Entry> back = registry::from_json(registry::to_json(entry));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->id, entry.id);
    EXPECT_EQ(back->port, entry.port);
    EXPECT_EQ(back->url, entry.url);
    EXPECT_EQ(back->pid, entry.pid);
    EXPECT_EQ(back->started_at, entry.started_at);
}

struct FromJsonCase {
    const char* name;
    const char* json;
    bool accepted;
};

const FromJsonCase kFromJsonCases[] = {
    {"seed_entry_without_id", R"({"port": 3100, "url": "ws://localhost:3100", "pid": 12345})", true},
    {"only_port", R"({"port": 1})", true},
    {"port_max", R"({"port": 65535})", true},
    {"unknown_fields", R"({"port": 80, "name": "x", "tags": [1]})", true},
    {"not_an_object", R"([{"port": 1}])", false},
    {"no_port", R"({"id": "x", "pid": 1})", false},
    {"port_zero", R"({"port": 0})", false},
    {"port_too_big", R"({"port": 65536})", false},
    {"port_negative", R"({"port": -1})", false},
    {"port_fraction", R"({"port": 80.5})", false},
    {"port_string", R"({"port": "80"})", false},
};

TEST(RegistryEntryTest, FromJsonNeedsAPort) {
    for (const FromJsonCase& c : kFromJsonCases) {
        SCOPED_TRACE(c.name);
        const Result<json::Value> value = json::parse(c.json);
        ASSERT_TRUE(value.ok());
        EXPECT_EQ(registry::from_json(value.value()).has_value(), c.accepted);
    }
    const Result<json::Value> odd = json::parse(R"({"port": 80, "id": 7, "pid": "12", "url": null})");
    ASSERT_TRUE(odd.ok());
    const std::optional<Entry> entry = registry::from_json(odd.value());
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->id, "");
    EXPECT_EQ(entry->pid, 0);
    EXPECT_EQ(entry->url, "");
}

TEST(RegistryEntryTest, MakeIdFormat) {
    const std::string id = registry::make_id(1735946123456);
    ASSERT_EQ(id.size(), std::string("server-1735946123456-abc123").size());
    EXPECT_EQ(id.substr(0, 21), "server-1735946123456-");
    for (char c : id.substr(21)) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) << id;
    // 36^6 possibilities: two equal ids in a row would mean no randomness.
    EXPECT_NE(registry::make_id(1), registry::make_id(1));
}

}  // namespace

namespace {

// Finding 12 of issue 10: the url names the address the server listens on.
TEST(RegistryEntry, UrlIsBuiltFromTheBoundAddress) {
    EXPECT_EQ(registry::url_for("127.0.0.1", 4000), "ws://localhost:4000");
    EXPECT_EQ(registry::url_for("localhost", 4000), "ws://localhost:4000");
    EXPECT_EQ(registry::url_for("0.0.0.0", 4000), "ws://localhost:4000");
    EXPECT_EQ(registry::url_for("::", 4000), "ws://localhost:4000");
    EXPECT_EQ(registry::url_for("127.0.0.2", 4000), "ws://127.0.0.2:4000");
    EXPECT_EQ(registry::url_for("::1", 4000), "ws://[::1]:4000");
    EXPECT_EQ(registry::url_for("0:0::1", 4000), "ws://[::1]:4000");
    EXPECT_EQ(registry::url_for("FE80::A", 1), "ws://[fe80::a]:1");
}

TEST(RegistryEntry, UrlAddressIsCanonical) {
    EXPECT_EQ(registry::url_address("ws://localhost:4000"), "127.0.0.1");
    EXPECT_EQ(registry::url_address("ws://127.0.0.1:4000"), "127.0.0.1");
    EXPECT_EQ(registry::url_address("ws://[0:0::1]:4000/path"), "::1");
    EXPECT_EQ(registry::url_address("ws://127.0.0.2:4000"), "127.0.0.2");
    EXPECT_EQ(registry::url_address(""), "127.0.0.1");
    EXPECT_EQ(registry::url_address("ws://:4000"), "127.0.0.1");
    EXPECT_EQ(registry::url_address("ws://[::1"), "::1");
}

}  // namespace
