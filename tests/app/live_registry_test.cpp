#include "app/live_registry.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json/reader.h"

namespace {

std::vector<json::Value> set_of(const std::string& array_text) {
    auto value = json::parse(array_text);
    EXPECT_TRUE(value.ok()) << array_text;
    return value.ok() ? value.value().as_array() : std::vector<json::Value>{};
}

struct RecordingWatcher final : app::LiveWatcher {
    void deliver(const std::string& message) noexcept override { messages.push_back(message); }
    std::vector<std::string> messages;
};

class LiveRegistryTest : public ::testing::Test {
protected:
    loop::EventLoop loop_ = std::move(loop::EventLoop::create().value());
    app::LiveRegistry live_{loop_, 7};
};

TEST_F(LiveRegistryTest, StartsEmpty) {
    EXPECT_EQ(live_.body(), "[]\n");
    EXPECT_EQ(live_.log().etag(), "\"7.0\"");
    EXPECT_EQ(live_.error(), "");
}

TEST_F(LiveRegistryTest, PublishMakesTheBodyTheEtagAndOneDiffForEveryWatcher) {
    RecordingWatcher one, two;
    live_.add_watcher(one);
    live_.add_watcher(two);
    live_.publish(set_of(R"([{"id":"a","port":1001}])"));
    EXPECT_EQ(live_.body(), "[\n  {\n    \"id\": \"a\",\n    \"port\": 1001\n  }\n]\n");
    EXPECT_EQ(live_.log().etag(), "\"7.1\"");
    const std::vector<std::string> expected{
        R"({"type":"diff","epoch":7,"gen":1,"base":0,"upsert":[{"id":"a","port":1001}],"remove":[]})"};
    EXPECT_EQ(one.messages, expected);
    EXPECT_EQ(two.messages, expected);

    live_.publish(set_of(R"([{"id":"a","port":1001}])"));  // the same set: nothing
    EXPECT_EQ(one.messages.size(), 1u);
    EXPECT_EQ(live_.log().gen(), 1u);

    live_.remove_watcher(two);
    live_.publish({});
    EXPECT_EQ(one.messages.back(), R"({"type":"diff","epoch":7,"gen":2,"base":1,"upsert":[],"remove":["a"]})");
    EXPECT_EQ(two.messages.size(), 1u);
    EXPECT_EQ(live_.body(), "[]\n");
}

TEST_F(LiveRegistryTest, DecoratorShapesWhatIsServedAndRepublishPushesItsChanges) {
    std::string status = "live";
    live_.set_decorator([&](const json::Value& entry) {
        json::Value decorated = entry;
        decorated.set("status", json::Value::string(status));
        return decorated;
    });
    std::vector<std::vector<json::Value>> observed;
    live_.set_observer([&](const std::vector<json::Value>& entries) { observed.push_back(entries); });
    RecordingWatcher watcher;
    live_.add_watcher(watcher);
    live_.publish(set_of(R"([{"id":"a","port":1001}])"));
    ASSERT_EQ(observed.size(), 1u);
    EXPECT_EQ(observed[0], set_of(R"([{"id":"a","port":1001}])"));  // raw, not decorated
    EXPECT_EQ(live_.entries(), set_of(R"([{"id":"a","port":1001}])"));
    status = "unresponsive";
    live_.republish();
    EXPECT_EQ(observed.size(), 1u);  // republish is not a new set of targets
    EXPECT_EQ(watcher.messages, (std::vector<std::string>{
                                    R"({"type":"diff","epoch":7,"gen":1,"base":0,"upsert":[{"id":"a","port":1001,"status":"live"}],"remove":[]})",
                                    R"({"type":"diff","epoch":7,"gen":2,"base":1,"upsert":[{"id":"a","port":1001,"status":"unresponsive"}],"remove":[]})"}));
    EXPECT_EQ(live_.log().snapshot_message(),
              R"({"type":"snapshot","epoch":7,"gen":2,"heartbeatMs":15000,"servers":[{"id":"a","port":1001,"status":"unresponsive"}]})");
    live_.republish();  // nothing changed
    EXPECT_EQ(watcher.messages.size(), 2u);
}

TEST_F(LiveRegistryTest, HeartbeatGoesToEveryWatcher) {
    RecordingWatcher one, two;
    live_.add_watcher(one);
    live_.add_watcher(two);
    live_.publish(set_of(R"([{"id":"a","port":1001}])"));
    live_.heartbeat();
    EXPECT_EQ(one.messages.back(), R"({"type":"heartbeat","epoch":7,"gen":1})");
    EXPECT_EQ(two.messages.back(), R"({"type":"heartbeat","epoch":7,"gen":1})");
}

// The snapshot tells a watcher the period, so that it knows how long a
// silence is (--watch-heartbeat 60s: the page must not give up after 35 s).
TEST_F(LiveRegistryTest, TheSnapshotSaysTheHeartbeatPeriod) {
    EXPECT_EQ(live_.log().snapshot_message(), R"({"type":"snapshot","epoch":7,"gen":0,"heartbeatMs":15000,"servers":[]})");
    live_.set_heartbeat_interval(60'000);
    EXPECT_EQ(live_.log().snapshot_message(), R"({"type":"snapshot","epoch":7,"gen":0,"heartbeatMs":60000,"servers":[]})");
}

// A watcher dropped while a message goes out removes itself then; the
// others still get that message, and it gets no more.
struct SelfRemovingWatcher final : app::LiveWatcher {
    explicit SelfRemovingWatcher(app::LiveRegistry& l) : live(l) {}
    void deliver(const std::string& message) noexcept override {
        messages.push_back(message);
        live.remove_watcher(*this);
    }
    app::LiveRegistry& live;
    std::vector<std::string> messages;
};

TEST_F(LiveRegistryTest, AWatcherMayRemoveItselfWhileAMessageGoesOut) {
    RecordingWatcher before, after;
    SelfRemovingWatcher leaving(live_);
    live_.add_watcher(before);
    live_.add_watcher(leaving);
    live_.add_watcher(after);
    live_.publish(set_of(R"([{"id":"a","port":1001}])"));
    EXPECT_EQ(live_.watcher_count(), 2u);
    live_.heartbeat();
    EXPECT_EQ(before.messages.size(), 2u);
    EXPECT_EQ(leaving.messages.size(), 1u);
    EXPECT_EQ(after.messages.size(), 2u);
}

TEST_F(LiveRegistryTest, AnErrorLastsUntilTheNextPublishAndKeepsTheSet) {
    live_.publish(set_of(R"([{"id":"a","port":1001}])"));
    live_.set_error("servers.json line 1, column 2: expected a value");
    EXPECT_EQ(live_.error(), "servers.json line 1, column 2: expected a value");
    EXPECT_EQ(live_.log().gen(), 1u);
    live_.publish(set_of(R"([{"id":"a","port":1001}])"));
    EXPECT_EQ(live_.error(), "");
}

TEST_F(LiveRegistryTest, SyncCallsTheSourceOnce) {
    int syncs = 0;
    live_.set_sync([&] {
        ++syncs;
        live_.sync();  // re-entry is ignored
    });
    live_.sync();
    EXPECT_EQ(syncs, 1);
    live_.set_sync(nullptr);
    live_.sync();
    EXPECT_EQ(syncs, 1);
}

}  // namespace
