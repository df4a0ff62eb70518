// The etcd registry's loop-side classes (app/etcd_registrar, app/etcd_follower)
// against a real etcd that the test starts (tests/support/etcd.h). Waits are
// bounded and event-driven: the loop runs until a condition holds; the only
// time bounds are the lease TTLs the tests set.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/etcd_follower.h"
#include "app/etcd_registrar.h"
#include "app/one_shot.h"
#include "json/writer.h"
#include "loop/event_loop.h"
#include "registry/etcd_codec.h"
#include "registry/etcd_url.h"
#include "tests/support/etcd.h"

namespace {

using app::EtcdFollower;
using app::EtcdRegistrar;
using support::b64;
using support::EtcdCluster;
namespace etcd = registry::etcd;

constexpr int64_t kWaitMs = 20'000;

registry::EtcdTarget target_of(const std::string& url) {
    auto parsed = registry::parse_etcd_url(url);
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    return parsed.ok() ? parsed.value() : registry::EtcdTarget{};
}

json::Value entry_for(const std::string& id, int port) {
    return json::Value::object({{"id", json::Value::string(id)},
                                {"port", json::Value::number(port)},
                                {"url", json::Value::string("ws://localhost:" + std::to_string(port))}});
}

// The key as etcd has it now (nullopt: absent), read with a blocking call.
std::optional<etcd::KeyValue> read_key(EtcdCluster& cluster, const std::string& key) {
    auto reply = cluster.call("kv/range", "{\"key\":\"" + b64(key) + "\"}");
    if (reply.status != 200) return std::nullopt;
    auto range = etcd::parse_range(reply.body);
    if (!range.ok() || range.value().kvs.empty()) return std::nullopt;
    return range.value().kvs[0];
}

std::string put_body(const std::string& key, const std::string& value) { return etcd::put_body(key, value, 0); }

// True only when etcd answered that the key is not there (a failed read,
// during an election say, is not an absence).
bool key_absent(EtcdCluster& cluster, const std::string& key) {
    auto reply = cluster.call("kv/range", "{\"key\":\"" + b64(key) + "\"}");
    if (reply.status != 200) return false;
    auto range = etcd::parse_range(reply.body);
    return range.ok() && range.value().kvs.empty();
}

class Loop {
public:
    Loop() : loop_(loop::EventLoop::create()) {}
    loop::EventLoop& get() { return loop_.value(); }
    // Runs the loop until `condition` holds (checked every 20 ms) or
    // timeout_ms passes; returns whether it held.
    bool run_until(const std::function<bool()>& condition, int64_t timeout_ms = kWaitMs) {
        if (condition()) return true;
        int64_t deadline = base::monotonic_ms() + timeout_ms;
        bool held = false;
        loop::TimerId check = get().every(20, [&] {
            held = condition();
            if (held || base::monotonic_ms() >= deadline) get().stop();
        });
        Status ran = get().run();
        get().cancel(check);
        EXPECT_TRUE(ran.ok());
        return held;
    }

private:
    Result<loop::EventLoop> loop_;
};

struct Seen {
    std::optional<Status> first;
    int unreachable = 0;
    int again = 0;
    int lost = 0;
    std::string last_error;
};

app::EtcdRegistrarEvents events_into(Seen& seen) {
    app::EtcdRegistrarEvents events;
    events.on_first = [&seen](const Status& status) { seen.first = status; };
    events.on_unreachable = [&seen](const Error& error) {
        ++seen.unreachable;
        seen.last_error = error.message;
    };
    events.on_registered_again = [&seen] { ++seen.again; };
    events.on_lease_lost = [&seen] { ++seen.lost; };
    return events;
}

std::unique_ptr<EtcdRegistrar> registrar(Loop& loop, const std::string& url, Seen& seen, const std::string& id,
                                         int64_t ttl_s, const std::string& password = "") {
    app::EtcdRegistrarOptions options;
    options.ttl_s = ttl_s;
    auto made = std::make_unique<EtcdRegistrar>(loop.get(), target_of(url), password, id, entry_for(id, 4000),
                                                events_into(seen), options);
    made->start();
    return made;
}

TEST(EtcdRegistrar, RegistersTheEntryOnALeaseAndStopRevokesIt) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    Loop loop;
    Seen seen;
    auto reg = registrar(loop, cluster.url("/t1"), seen, "server-1-aaaaaa", 4);
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_TRUE(seen.first->ok()) << seen.first->error().message;
    EXPECT_EQ(reg->key(), "/t1/servers/server-1-aaaaaa");

    auto kv = read_key(cluster, "/t1/servers/server-1-aaaaaa");
    ASSERT_TRUE(kv.has_value());
    EXPECT_EQ(kv->value, R"({"id":"server-1-aaaaaa","port":4000,"url":"ws://localhost:4000"})");
    EXPECT_EQ(kv->lease, reg->lease());
    auto ttl = cluster.call("lease/timetolive", etcd::keepalive_body(reg->lease()));
    EXPECT_NE(ttl.body.find("\"grantedTTL\":\"4\""), std::string::npos) << ttl.body;

    bool stopped = false;
    reg->stop([&] { stopped = true; });
    ASSERT_TRUE(loop.run_until([&] { return stopped; }));
    EXPECT_TRUE(key_absent(cluster, "/t1/servers/server-1-aaaaaa"));
    EXPECT_EQ(seen.unreachable, 0);
}

TEST(EtcdRegistrar, UnreachableAtStartNamesEveryEndpoint) {
    uint16_t a = support::free_port(), b = support::free_port();
    Loop loop;
    Seen seen;
    std::string url = "etcd://127.0.0.1:" + std::to_string(a) + ",127.0.0.1:" + std::to_string(b);
    auto reg = registrar(loop, url, seen, "server-1-bbbbbb", 2);
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_FALSE(seen.first->ok());
    EXPECT_EQ(seen.first->error().message, "etcd 127.0.0.1:" + std::to_string(a) + ": connection refused; etcd 127.0.0.1:" +
                                               std::to_string(b) + ": connection refused");
}

TEST(EtcdRegistrar, ACrashedRegistrarsKeyGoesWithItsLease) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    Loop loop;
    Seen seen;
    auto reg = registrar(loop, cluster.url("/t2"), seen, "server-1-cccccc", 2);
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_TRUE(seen.first->ok()) << seen.first->error().message;
    reg.reset();  // no revoke: the lease is left to expire
    ASSERT_TRUE(read_key(cluster, "/t2/servers/server-1-cccccc").has_value());
    // Gone within the TTL (2 s), plus etcd's expiry check (every 500 ms) and
    // the revoke it then commits: 2 s more is the bound.
    EXPECT_TRUE(loop.run_until([&] { return key_absent(cluster, "/t2/servers/server-1-cccccc"); }, 4000));
}

TEST(EtcdRegistrar, RegistersAgainAfterEtcdRestarts) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    Loop loop;
    Seen seen;
    auto reg = registrar(loop, cluster.url("/t3"), seen, "server-1-dddddd", 3);
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_TRUE(seen.first->ok()) << seen.first->error().message;
    cluster.stop(0);
    ASSERT_TRUE(loop.run_until([&] { return seen.unreachable == 1; }));
    EXPECT_NE(seen.last_error.find("etcd 127.0.0.1:" + std::to_string(cluster.client_port(0))), std::string::npos)
        << seen.last_error;
    ASSERT_TRUE(cluster.start(0)) << cluster.log(0);
    ASSERT_TRUE(loop.run_until([&] { return seen.again == 1; }));
    EXPECT_EQ(seen.unreachable, 1);  // said once
    auto kv = read_key(cluster, "/t3/servers/server-1-dddddd");
    ASSERT_TRUE(kv.has_value());
    EXPECT_EQ(kv->lease, reg->lease());
}

TEST(EtcdRegistrar, ALostLeaseIsGrantedAndWrittenAgain) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    Loop loop;
    Seen seen;
    auto reg = registrar(loop, cluster.url("/t4"), seen, "server-1-eeeeee", 3);
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_TRUE(seen.first->ok()) << seen.first->error().message;
    int64_t old_lease = reg->lease();
    auto revoked = cluster.call("lease/revoke", etcd::revoke_body(old_lease));
    ASSERT_EQ(revoked.status, 200) << revoked.body;
    ASSERT_TRUE(key_absent(cluster, "/t4/servers/server-1-eeeeee"));
    ASSERT_TRUE(loop.run_until([&] {
        auto kv = read_key(cluster, "/t4/servers/server-1-eeeeee");
        return kv && kv->lease == reg->lease() && kv->lease != old_lease;
    }));
    EXPECT_EQ(seen.lost, 1);
    EXPECT_EQ(seen.unreachable, 0);
}

// The key exists already (our id, from an earlier lease of ours): the
// create-if-absent txn fails and the registrar overwrites it on its lease.
TEST(EtcdRegistrar, OverwritesItsOwnKeyFromAnEarlierLease) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    auto granted = cluster.call("lease/grant", etcd::grant_body(60));
    auto old_lease = etcd::parse_grant(granted.body);
    ASSERT_TRUE(old_lease.ok()) << granted.body;
    ASSERT_EQ(cluster.call("kv/put", etcd::put_body("/t9/servers/server-1-iiiiii", R"({"id":"old"})",
                                                    old_lease.value().id))
                  .status,
              200);
    Loop loop;
    Seen seen;
    auto reg = registrar(loop, cluster.url("/t9"), seen, "server-1-iiiiii", 2);
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_TRUE(seen.first->ok()) << seen.first->error().message;
    auto kv = read_key(cluster, "/t9/servers/server-1-iiiiii");
    ASSERT_TRUE(kv.has_value());
    EXPECT_EQ(kv->value, R"({"id":"server-1-iiiiii","port":4000,"url":"ws://localhost:4000"})");
    EXPECT_EQ(kv->lease, reg->lease());
    EXPECT_NE(kv->lease, old_lease.value().id);
}

TEST(EtcdRegistrar, WorksWithEtcdAuth) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    ASSERT_EQ(cluster.enable_auth("peer", "s3cret", "/t5/"), "");
    Loop loop;
    Seen wrong;
    auto refused = registrar(loop, cluster.url("/t5", "peer"), wrong, "server-1-ffffff", 2, "not-it");
    ASSERT_TRUE(loop.run_until([&] { return wrong.first.has_value(); }));
    ASSERT_FALSE(wrong.first->ok());
    EXPECT_EQ(wrong.first->error().message,
              "etcd 127.0.0.1:" + std::to_string(cluster.client_port(0)) +
                  ": auth/authenticate: etcdserver: authentication failed, invalid user ID or password (400, code 3)");

    Seen seen;
    auto reg = registrar(loop, cluster.url("/t5", "peer"), seen, "server-1-gggggg", 2, "s3cret");
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_TRUE(seen.first->ok()) << seen.first->error().message;
    EXPECT_TRUE(read_key(cluster, "/t5/servers/server-1-gggggg").has_value());
    std::vector<json::Value> entries;
    app::EtcdFollowerEvents events;
    events.on_set = [&](const std::vector<json::Value>& set) { entries = set; };
    EtcdFollower follower(loop.get(), target_of(cluster.url("/t5", "peer")), "s3cret", events);
    follower.start();
    ASSERT_TRUE(loop.run_until([&] { return entries.size() == 1; }));
    EXPECT_EQ(json::to_string(entries[0], 0), R"({"id":"server-1-gggggg","port":4000,"url":"ws://localhost:4000"})");
    // The watch works with the token too.
    ASSERT_EQ(cluster.call("kv/put", put_body("/t5/servers/x", R"({"id":"x","port":9})")).status, 200);
    ASSERT_TRUE(loop.run_until([&] { return entries.size() == 2; }));

    // A restart forgets every token: the next calls get 401 "invalid auth
    // token", authenticate again and go on.
    uint64_t lists = follower.lists();
    cluster.stop(0);
    ASSERT_TRUE(cluster.start(0)) << cluster.log(0);
    ASSERT_EQ(cluster.call("kv/deleterange", etcd::delete_body("/t5/servers/x")).status, 200);
    ASSERT_TRUE(loop.run_until([&] { return entries.size() == 1 && follower.lists() > lists; }));
    ASSERT_TRUE(loop.run_until([&] { return seen.again == seen.unreachable; }));
    reg->stop([] {});
    ASSERT_TRUE(loop.run_until([&] { return entries.empty(); }));
}

TEST(EtcdFollower, SeesPutsAndDeletes) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    ASSERT_EQ(cluster.call("kv/put", put_body("/t6/servers/a", R"({"id":"a","port":1})")).status, 200);
    ASSERT_EQ(cluster.call("kv/put", put_body("/t6/servers/bad", "not json")).status, 200);
    ASSERT_EQ(cluster.call("kv/put", put_body("/t6/other", R"({"id":"x","port":1})")).status, 200);
    Loop loop;
    std::vector<std::string> sets;  // each on_set as compact JSON
    std::vector<std::string> skipped;
    app::EtcdFollowerEvents events;
    events.on_set = [&](const std::vector<json::Value>& set) {
        sets.push_back(json::to_string(json::Value::array(set), 0));
    };
    events.on_skipped = [&](const std::string& key, const std::string&) { skipped.push_back(key); };
    EtcdFollower follower(loop.get(), target_of(cluster.url("/t6")), "", events);
    follower.start();
    ASSERT_TRUE(loop.run_until([&] { return sets.size() == 1; }));
    EXPECT_EQ(sets[0], R"([{"id":"a","port":1}])");
    EXPECT_EQ(skipped, std::vector<std::string>{"/t6/servers/bad"});

    ASSERT_EQ(cluster.call("kv/put", put_body("/t6/servers/b", R"({"id":"b","port":2})")).status, 200);
    ASSERT_TRUE(loop.run_until([&] { return sets.size() == 2; }));
    EXPECT_EQ(sets[1], R"([{"id":"a","port":1},{"id":"b","port":2}])");
    ASSERT_EQ(cluster.call("kv/deleterange", etcd::delete_body("/t6/servers/a")).status, 200);
    ASSERT_TRUE(loop.run_until([&] { return sets.size() == 3; }));
    EXPECT_EQ(sets[2], R"([{"id":"b","port":2}])");
    EXPECT_EQ(follower.lists(), 1u);
}

// A watch that starts from a compacted revision is canceled with
// compact_revision, and the follower lists again. (A watch that is caught up
// is not affected by a compaction, so the test compacts between the list and
// the watch, where a follower that fell behind would be.)
TEST(EtcdFollower, ListsAgainWhenItsRevisionWasCompacted) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(1);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    ASSERT_EQ(cluster.call("kv/put", put_body("/t7/servers/a", R"({"id":"a","port":1})")).status, 200);
    Loop loop;
    std::vector<std::string> sets;
    std::string compacted;
    bool compact_once = true;
    app::EtcdFollowerEvents events;
    events.on_set = [&](const std::vector<json::Value>& set) {
        sets.push_back(json::to_string(json::Value::array(set), 0));
    };
    events.before_watch = [&] {
        if (!std::exchange(compact_once, false)) return;
        cluster.call("kv/put", put_body("/t7/servers/b", R"({"id":"b","port":2})"));
        auto last = cluster.call("kv/put", put_body("/t7/servers/c", R"({"id":"c","port":3})"));
        auto revision = etcd::parse_header_revision(last.body);
        auto compaction = cluster.call("kv/compaction", "{\"revision\":\"" + std::to_string(revision.value()) + "\"}");
        compacted = std::to_string(compaction.status) + " " + compaction.body;
    };
    EtcdFollower follower(loop.get(), target_of(cluster.url("/t7")), "", events);
    follower.start();
    ASSERT_TRUE(loop.run_until([&] { return sets.size() == 2; })) << compacted;
    EXPECT_EQ(compacted.substr(0, 3), "200") << compacted;
    EXPECT_EQ(sets[0], R"([{"id":"a","port":1}])");
    EXPECT_EQ(sets[1], R"([{"id":"a","port":1},{"id":"b","port":2},{"id":"c","port":3}])");
    EXPECT_EQ(follower.lists(), 2u);
    // And it follows from there.
    ASSERT_EQ(cluster.call("kv/deleterange", etcd::delete_body("/t7/servers/b")).status, 200);
    ASSERT_TRUE(loop.run_until([&] { return sets.size() == 3; }));
    EXPECT_EQ(sets[2], R"([{"id":"a","port":1},{"id":"c","port":3}])");
}

// Three members, the one both use first killed: the key stays, renewals go
// on through the others, and the follower sees a change made after the kill.
TEST(EtcdCluster, OneMemberKilledLosesNothing) {
    SKIP_WITHOUT_ETCD();
    EtcdCluster cluster(3);
    ASSERT_TRUE(cluster.ok()) << cluster.error();
    Loop loop;
    Seen seen;
    auto reg = registrar(loop, cluster.url("/t8"), seen, "server-1-hhhhhh", 5);
    ASSERT_TRUE(loop.run_until([&] { return seen.first.has_value(); }));
    ASSERT_TRUE(seen.first->ok()) << seen.first->error().message;
    std::vector<std::string> sets;
    app::EtcdFollowerEvents events;
    events.on_set = [&](const std::vector<json::Value>& set) {
        sets.push_back(json::to_string(json::Value::array(set), 0));
    };
    EtcdFollower follower(loop.get(), target_of(cluster.url("/t8")), "", events);
    follower.start();
    ASSERT_TRUE(loop.run_until([&] { return sets.size() == 1; }));
    int64_t lease = reg->lease();

    cluster.kill(0);
    uint64_t renewals = reg->renewals();
    bool key_missing = false;
    ASSERT_TRUE(loop.run_until([&] {
        if (key_absent(cluster, "/t8/servers/server-1-hhhhhh")) key_missing = true;
        return reg->renewals() >= renewals + 4;  // more than a TTL of renewals after the kill
    }));
    EXPECT_FALSE(key_missing);
    EXPECT_EQ(reg->lease(), lease);
    EXPECT_EQ(seen.lost, 0);
    ASSERT_EQ(cluster.call("kv/put", put_body("/t8/servers/x", R"({"id":"x","port":9})")).status, 200);
    ASSERT_TRUE(loop.run_until([&] { return !sets.empty() && sets.back().find(R"("id":"x")") != std::string::npos; }));
    EXPECT_NE(sets.back().find("server-1-hhhhhh"), std::string::npos) << sets.back();
}

}  // namespace
