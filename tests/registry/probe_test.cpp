// The probe state machine on a fake clock: no sockets, no real time.
#include "registry/probe.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json/reader.h"
#include "json/writer.h"

namespace {

using registry::Health;
using registry::kProbeIntervalMs;
using registry::kProbeTimeoutMs;

struct FakeClock {
    int64_t now = 1'000'000;
    registry::Prober::Clock clock() {
        return [this] { return now; };
    }
};

const std::string kHealthyA = R"({"id":"a","instance":"i1","connections":3,"messages":40,"uptimeMs":5000})";

registry::Prober::Target target(const std::string& id, int port, const std::string& instance = "i1") {
    return registry::Prober::Target{id, port, instance};
}

std::string describe(const registry::Prober::Work& work) {
    std::string text;
    for (const auto& probe : work.start) text += "start " + probe.id + ":" + std::to_string(probe.port) + " ";
    for (const auto& probe : work.abandon) text += "abandon " + probe.id + ":" + std::to_string(probe.port) + " ";
    return text;
}

std::string describe(const std::vector<registry::Prober::Change>& changes) {
    std::string text;
    for (const auto& change : changes)
        text += change.id + ":" + std::string(registry::health_name(change.from)) + "->" +
                std::string(registry::health_name(change.to)) + " ";
    return text;
}

struct ProberTest : ::testing::Test {
    FakeClock time;
    registry::Prober prober{time.clock()};

    // Starts the one due probe of `id` and returns its number.
    uint64_t start_one(const std::string& id) {
        auto work = prober.poll();
        EXPECT_EQ(work.start.size(), 1u) << describe(work);
        if (work.start.size() != 1 || work.start[0].id != id) return 0;
        return work.start[0].number;
    }
};

TEST_F(ProberTest, NewEntryIsProbedAtOnceAndOnlyOnce) {
    prober.set_targets({target("a", 1001)});
    EXPECT_EQ(prober.health("a"), Health::unknown);
    EXPECT_EQ(prober.next_poll_ms(), time.now);
    auto work = prober.poll();
    EXPECT_EQ(describe(work), "start a:1001 ");
    EXPECT_EQ(describe(prober.poll()), "");  // one in flight at a time
    time.now += kProbeTimeoutMs - 1;
    EXPECT_EQ(describe(prober.poll()), "");
    prober.answered("a", work.start[0].number, kHealthyA);
    EXPECT_EQ(prober.health("a"), Health::live);
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->live ");
    EXPECT_EQ(describe(prober.take_changes()), "");
}

TEST_F(ProberTest, ProbedAgainEveryInterval) {
    prober.set_targets({target("a", 1001)});
    const int64_t first = time.now;
    prober.answered("a", start_one("a"), kHealthyA);
    EXPECT_EQ(prober.next_poll_ms(), first + kProbeIntervalMs);
    time.now = first + kProbeIntervalMs - 1;
    EXPECT_EQ(describe(prober.poll()), "");
    time.now = first + kProbeIntervalMs;
    prober.answered("a", start_one("a"), kHealthyA);
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->live ");  // live -> live is no change
}

TEST_F(ProberTest, SilenceIsUnresponsiveAfterTheTimeoutAndTheLateAnswerIsIgnored) {
    prober.set_targets({target("a", 1001)});
    const uint64_t number = start_one("a");
    EXPECT_EQ(prober.next_poll_ms(), time.now + kProbeTimeoutMs);
    time.now += kProbeTimeoutMs;
    EXPECT_EQ(describe(prober.poll()), "abandon a:1001 ");
    EXPECT_EQ(prober.health("a"), Health::unresponsive);
    prober.answered("a", number, kHealthyA);  // too late
    EXPECT_EQ(prober.health("a"), Health::unresponsive);
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->unresponsive ");
}

TEST_F(ProberTest, UnresponsiveThenRecovers) {
    prober.set_targets({target("a", 1001)});
    prober.answered("a", start_one("a"), kHealthyA);
    time.now += kProbeIntervalMs;
    start_one("a");
    time.now += kProbeTimeoutMs;  // SIGSTOP: no answer
    EXPECT_EQ(describe(prober.poll()), "abandon a:1001 ");
    time.now += kProbeIntervalMs - kProbeTimeoutMs;  // the next interval, counted from the start
    prober.answered("a", start_one("a"), kHealthyA);  // SIGCONT
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->live a:live->unresponsive a:unresponsive->live ");
}

TEST_F(ProberTest, RefusedConnection) {
    prober.set_targets({target("a", 1001)});
    prober.refused("a", start_one("a"));
    EXPECT_EQ(prober.health("a"), Health::refused);
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->refused ");
}

TEST_F(ProberTest, RefusedIsRetriedAfterASecondThenEveryIntervalOnceLive) {
    // ws-server writes its entry just before it listens: the first probe may be refused.
    prober.set_targets({target("a", 1001)});
    prober.refused("a", start_one("a"));
    EXPECT_EQ(prober.next_poll_ms(), time.now + registry::kRefusedRetryMs);
    time.now += registry::kRefusedRetryMs - 1;
    EXPECT_EQ(describe(prober.poll()), "");
    time.now += 1;
    prober.answered("a", start_one("a"), kHealthyA);
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->refused a:refused->live ");
    EXPECT_EQ(prober.next_poll_ms(), time.now + kProbeIntervalMs);
}

TEST_F(ProberTest, AnotherIdOrInstanceIsAnImpostor) {
    prober.set_targets({target("a", 1001), target("b", 1002, "i2")});
    auto work = prober.poll();
    ASSERT_EQ(work.start.size(), 2u);
    prober.answered("a", work.start[0].number,
                    R"({"id":"other","instance":"i1","connections":0,"messages":0,"uptimeMs":1})");
    prober.answered("b", work.start[1].number,
                    R"({"id":"b","instance":"restarted","connections":0,"messages":0,"uptimeMs":1})");
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->impostor b:unknown->impostor ");
}

TEST_F(ProberTest, AnEntryWithAnInstanceNeedsAHealthzAnswer) {
    prober.set_targets({target("a", 1001), target("plain", 1002, "")});
    auto work = prober.poll();
    ASSERT_EQ(work.start.size(), 2u);
    prober.answered("a", work.start[0].number, "<html>404</html>");  // a foreign program on ws-server's port
    prober.answered("plain", work.start[1].number, "");             // any answer will do without an instance
    EXPECT_EQ(describe(prober.take_changes()), "a:unknown->impostor plain:unknown->live ");
}

TEST_F(ProberTest, ChangedPortOrInstanceIsProbedAnewAndTheOldProbeAbandoned) {
    prober.set_targets({target("a", 1001)});
    const uint64_t old_probe = start_one("a");
    prober.set_targets({target("a", 1005)});
    EXPECT_EQ(describe(prober.poll()), "start a:1005 abandon a:1001 ");
    prober.answered("a", old_probe, kHealthyA);  // the old probe no longer counts
    EXPECT_EQ(prober.health("a"), Health::unknown);
}

TEST_F(ProberTest, UnchangedTargetKeepsItsStateAndSchedule) {
    prober.set_targets({target("a", 1001)});
    prober.answered("a", start_one("a"), kHealthyA);
    prober.set_targets({target("b", 1002), target("a", 1001)});
    EXPECT_EQ(describe(prober.poll()), "start b:1002 ");
    EXPECT_EQ(prober.health("a"), Health::live);
}

TEST_F(ProberTest, RemovedEntryIsForgottenAndItsProbeAbandoned) {
    prober.set_targets({target("a", 1001)});
    const uint64_t number = start_one("a");
    prober.set_targets({});
    EXPECT_EQ(prober.next_poll_ms(), time.now);  // the abandon is due
    EXPECT_EQ(describe(prober.poll()), "abandon a:1001 ");
    prober.answered("a", number, kHealthyA);
    EXPECT_EQ(describe(prober.take_changes()), "");
    EXPECT_EQ(prober.next_poll_ms(), std::nullopt);
}

TEST_F(ProberTest, WrongNumbersAreIgnored) {
    prober.set_targets({target("a", 1001)});
    const uint64_t number = start_one("a");
    prober.refused("a", number + 1);
    prober.answered("b", number, kHealthyA);
    prober.refused("a", 0);
    EXPECT_EQ(prober.health("a"), Health::unknown);
    EXPECT_EQ(describe(prober.take_changes()), "");
}

TEST_F(ProberTest, EntriesAreServedWithStatusAndCounters) {
    auto entries = json::parse(R"([{"id":"a","port":1001,"instance":"i1"},{"id":"b","port":1002},{"port":7}])");
    ASSERT_TRUE(entries.ok());
    const auto targets = registry::Prober::targets_of(entries.value().as_array());
    ASSERT_EQ(targets.size(), 2u);
    EXPECT_EQ(targets[0], target("a", 1001, "i1"));
    EXPECT_EQ(targets[1], target("b", 1002, ""));
    prober.set_targets(targets);
    auto work = prober.poll();
    ASSERT_EQ(work.start.size(), 2u);
    prober.answered("a", work.start[0].number, kHealthyA);
    const auto& list = entries.value().as_array();
    EXPECT_EQ(json::to_string(prober.with_health(list[0]), 0),
              R"({"id":"a","port":1001,"instance":"i1","status":"live","connections":3,"messages":40})");
    EXPECT_EQ(json::to_string(prober.with_health(list[1]), 0), R"({"id":"b","port":1002,"status":"unknown"})");
    prober.refused("b", work.start[1].number);
    EXPECT_EQ(json::to_string(prober.with_health(list[1]), 0), R"({"id":"b","port":1002,"status":"refused"})");
}

TEST_F(ProberTest, CountersGoWhenTheServerStopsAnswering) {
    prober.set_targets({target("a", 1001)});
    prober.answered("a", start_one("a"), kHealthyA);
    time.now += kProbeIntervalMs;
    start_one("a");
    time.now += kProbeTimeoutMs;
    (void)prober.poll();
    auto entry = json::parse(R"({"id":"a","port":1001})");
    ASSERT_TRUE(entry.ok());
    EXPECT_EQ(json::to_string(prober.with_health(entry.value()), 0),
              R"({"id":"a","port":1001,"status":"unresponsive"})");
}

TEST(ParseHealthz, TheFiveFields) {
    auto report = registry::parse_healthz(kHealthyA);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report.value().id, "a");
    EXPECT_EQ(report.value().instance, "i1");
    EXPECT_EQ(report.value().connections, 3);
    EXPECT_EQ(report.value().messages, 40);
    EXPECT_EQ(report.value().uptime_ms, 5000);
}

TEST(ParseHealthz, UnknownFieldsAreAllowed) {
    EXPECT_TRUE(registry::parse_healthz(
                    R"({"id":"a","instance":"i","connections":0,"messages":0,"uptimeMs":0,"version":"1.2"})")
                    .ok());
}

TEST(ParseHealthz, EachFaultHasItsMessage) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "/healthz: not JSON: line 1, column 1: the input is empty"},
        {"[]", "/healthz: not a JSON object"},
        {R"({"instance":"i","connections":0,"messages":0,"uptimeMs":0})", "/healthz: \"id\" is not a non-empty string"},
        {R"({"id":"","instance":"i","connections":0,"messages":0,"uptimeMs":0})",
         "/healthz: \"id\" is not a non-empty string"},
        {R"({"id":"a","instance":7,"connections":0,"messages":0,"uptimeMs":0})",
         "/healthz: \"instance\" is not a non-empty string"},
        {R"({"id":"a","instance":"i","connections":-1,"messages":0,"uptimeMs":0})",
         "/healthz: \"connections\" is not a non-negative integer"},
        {R"({"id":"a","instance":"i","connections":0,"messages":"9","uptimeMs":0})",
         "/healthz: \"messages\" is not a non-negative integer"},
        {R"({"id":"a","instance":"i","connections":0,"messages":0,"uptimeMs":1.5})",
         "/healthz: \"uptimeMs\" is not a non-negative integer"},
        {R"({"id":"a","instance":"i","connections":0,"messages":0})",
         "/healthz: \"uptimeMs\" is not a non-negative integer"},
    };
    for (const auto& [body, message] : cases) {
        auto report = registry::parse_healthz(body);
        ASSERT_FALSE(report.ok()) << body;
        EXPECT_EQ(report.error().message, message) << body;
    }
}

TEST(HealthName, EveryStatus) {
    EXPECT_EQ(registry::health_name(Health::unknown), "unknown");
    EXPECT_EQ(registry::health_name(Health::live), "live");
    EXPECT_EQ(registry::health_name(Health::refused), "refused");
    EXPECT_EQ(registry::health_name(Health::unresponsive), "unresponsive");
    EXPECT_EQ(registry::health_name(Health::impostor), "impostor");
}

}  // namespace
