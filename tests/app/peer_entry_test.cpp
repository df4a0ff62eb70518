#include "app/peer_entry.h"

#include <gtest/gtest.h>

#include "json/writer.h"

namespace {

TEST(PeerEntry, MetaArguments) {
    auto meta = app::parse_meta_list({"a=1", "b=x=y", "a=2", "empty="});
    ASSERT_TRUE(meta.ok());
    EXPECT_EQ(meta.value(), (std::vector<std::pair<std::string, std::string>>{{"b", "x=y"}, {"a", "2"}, {"empty", ""}}));
    EXPECT_EQ(app::parse_meta_list({"ok=1", "novalue"}).error().message, "--meta: 'novalue' is not KEY=VALUE");
    EXPECT_EQ(app::parse_meta_list({"=v"}).error().message, "--meta: '=v' is not KEY=VALUE");
}

TEST(PeerEntry, UrlSchemeFollowsKind) {
    EXPECT_EQ(app::default_url("http", 8000), "http://localhost:8000");
    EXPECT_EQ(app::default_url("mcp", 8000), "http://localhost:8000");
    EXPECT_EQ(app::default_url("yjs", 1234), "ws://localhost:1234");
    EXPECT_EQ(app::default_url("echo", 1234), "ws://localhost:1234");
    EXPECT_EQ(app::default_url("ws", 1234), "ws://localhost:1234");
}

TEST(PeerEntry, FieldsInTheSpecOrder) {
    json::Value entry = app::make_entry({"docs", "http", "", {{"root", "/srv"}}}, 8000, 42);
    std::vector<std::string> keys;
    for (const auto& [key, value] : entry.as_object()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "port", "url", "pid", "startedAt", "name", "kind", "instance",
                                              "host", "meta"}));
    EXPECT_EQ(entry.find("name")->as_string(), "docs");
    EXPECT_EQ(entry.find("url")->as_string(), "http://localhost:8000");
    EXPECT_EQ(entry.find("instance")->as_string().size(), 32u);
    EXPECT_EQ(entry.find("instance")->as_string().find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(json::to_string(*entry.find("meta"), 0), "{\"root\":\"/srv\"}");
    EXPECT_NE(app::make_entry({}, 1, 1).find("instance")->as_string(), entry.find("instance")->as_string());
    EXPECT_EQ(app::make_entry({"", "ws", "wss://x/", {}}, 1, 1).find("url")->as_string(), "wss://x/");
}

}  // namespace
