// EtcdFollower against a scripted gateway (tests/support/etcd_gateway.h):
// how long it waits before listing again when its watches fail. Each case
// records, at every list that worked, the wait armed before it (exact) and
// the loop's clock (the wait really passed: a lower bound, never an upper).
#include "app/etcd_follower.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "registry/etcd_url.h"
#include "tests/support/etcd_gateway.h"

namespace {

using support::gateway_reply;
using support::ScriptedGateway;

constexpr int64_t kMaxBackoffMs = 400;

const std::string kEmptyRange = gateway_reply("200 OK", R"({"header":{"revision":"5"}})");
// A watch the gateway cannot hold (its etcd lost its leader).
const std::string kWatchBroken =
    gateway_reply("503 Service Unavailable", R"({"error":"etcdserver: no leader","code":14})");
// A watch that brings one PUT, then ends.
const std::string kWatchWithAnEvent = gateway_reply(
    "200 OK", R"({"result":{"header":{"revision":"6"},"created":true}})"
              "\n"
              R"({"result":{"header":{"revision":"6"},"events":[{"kv":{"key":"L3Avc2VydmVycy9h",)"
              R"("create_revision":"6","mod_revision":"6","version":"1","value":"eyJpZCI6ImEifQ=="}}]}})"
              "\n");
// A watch that is created and then holds (chunked, no last chunk) until
// the gateway drops the connection.
const std::string kWatchHeld = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "36\r\n{\"result\":{\"header\":{\"revision\":\"6\"},\"created\":true}}\n\r\n";

// Answers kv/range with an empty set, and the n-th watch (from 1) with watch(n).
ScriptedGateway::Script lists_fine(std::function<std::string(int)> watch) {
    auto watches = std::make_shared<int>(0);
    return [watch, watches](const std::string& call, const std::string&) {
        if (call == "kv/range") return kEmptyRange;
        if (call == "watch") return watch(++*watches);
        return gateway_reply("501 Not Implemented", R"({"error":"unscripted","code":12})");
    };
}

struct Lists {
    std::vector<int64_t> delays;  // the wait armed before each list (0 for the first)
    std::vector<int64_t> times;   // the loop's clock at each
};

// Runs a follower until `count` lists have worked; `at_list(n)` runs at the
// n-th, before its watch starts.
Lists run_lists(ScriptedGateway& gateway, size_t count, std::function<void(loop::EventLoop&, size_t)> at_list = {}) {
    Lists lists;
    auto created = loop::EventLoop::create();
    EXPECT_TRUE(created.ok());
    if (!created.ok()) return lists;
    loop::EventLoop& loop = created.value();
    std::optional<app::EtcdFollower> follower;
    app::EtcdFollowerEvents events;
    events.on_first = [](const Status& st) { EXPECT_TRUE(st.ok()); };
    events.before_watch = [&] {
        lists.delays.push_back(follower->relist_delay_ms());
        lists.times.push_back(loop.now_ms());
        if (at_list) at_list(loop, lists.delays.size());
        if (lists.delays.size() == count) loop.stop();
    };
    app::EtcdFollowerOptions options;
    options.max_backoff_ms = kMaxBackoffMs;
    follower.emplace(loop, registry::parse_etcd_url("etcd://127.0.0.1:" + std::to_string(gateway.port())).value(),
                     "", events, options);
    follower->start();
    // A bound on the test, not a timing assert.
    loop::TimerId guard = loop.every(10'000, [&] {
        ADD_FAILURE() << "only " << lists.delays.size() << " lists in 10 s";
        loop.stop();
    });
    EXPECT_TRUE(loop.run().ok());
    loop.cancel(guard);
    for (size_t i = 1; i < lists.times.size(); ++i)
        EXPECT_GE(lists.times[i] - lists.times[i - 1], lists.delays[i]) << "list " << i + 1;
    return lists;
}

// Lists work, every watch fails at once: the waits double up to the cap as
// they do while lists fail. Failed before the fix: 100 ms every time, the
// list that worked in between resetting the backoff.
TEST(EtcdFollower, AWatchThatKeepsFailingAfterGoodListsBacksOff) {
    ScriptedGateway gateway(lists_fine([](int) { return kWatchBroken; }));
    Lists lists = run_lists(gateway, 6);
    EXPECT_EQ(lists.delays, (std::vector<int64_t>{0, 100, 200, 400, 400, 400}));
}

// A watch that delivered events worked: the next failure waits 100 ms again.
TEST(EtcdFollower, AWatchThatDeliveredEventsStartsTheBackoffAfresh) {
    ScriptedGateway gateway(lists_fine([](int watch) { return watch == 3 ? kWatchWithAnEvent : kWatchBroken; }));
    Lists lists = run_lists(gateway, 6);
    EXPECT_EQ(lists.delays, (std::vector<int64_t>{0, 100, 200, 100, 200, 400}));
}

// A watch that held for the longest wait (a quiet registry: no events) worked too.
TEST(EtcdFollower, AWatchThatHeldStartsTheBackoffAfresh) {
    ScriptedGateway gateway(lists_fine([](int watch) { return watch == 3 ? kWatchHeld : kWatchBroken; }));
    std::optional<loop::TimerId> drop;
    Lists lists = run_lists(gateway, 5, [&](loop::EventLoop& loop, size_t list) {
        if (list != 3) return;
        drop = loop.every(kMaxBackoffMs + 100, [&] {
            loop.cancel(*drop);
            gateway.drop_connection();
        });
    });
    EXPECT_EQ(lists.delays, (std::vector<int64_t>{0, 100, 200, 100, 200}));
}

}  // namespace
