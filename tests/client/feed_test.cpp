// The page and registry-http's watch socket (client/feed.h), driven through
// the App with a fake browser and a fake clock: snapshot, diffs, resubscribe,
// heartbeats, reconnecting with resume, and polling with If-None-Match while
// the socket is down.
#include "client/feed.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "client/app.h"
#include "fake_browser.h"

namespace {

using client::App;
using client::Feed;
using client::FeedMode;
using client::Options;
using client::SocketId;
using client_test::FakePlatform;
using client_test::FakeView;

constexpr const char* kWatch = "ws://127.0.0.1:5173/api/registry/watch";
constexpr SocketId kFirstWatch = 1;  // start() opens the watch socket first

std::string entry(const std::string& id, int port, const std::string& extra = "") {
    return R"({"id":")" + id + R"(","port":)" + std::to_string(port) + R"(,"url":"ws://localhost:)" +
           std::to_string(port) + R"(","pid":100)" + extra + "}";
}

// heartbeat_ms 0: the field left out, as an older registry-http does.
std::string snapshot(uint64_t epoch, uint64_t gen, const std::vector<std::string>& entries, int heartbeat_ms = 0) {
    std::string list;
    for (const std::string& e : entries) list += (list.empty() ? "" : ",") + e;
    std::string period = heartbeat_ms > 0 ? R"(,"heartbeatMs":)" + std::to_string(heartbeat_ms) : "";
    return R"({"type":"snapshot","epoch":)" + std::to_string(epoch) + R"(,"gen":)" + std::to_string(gen) + period +
           R"(,"servers":[)" + list + "]}";
}

std::string diff(uint64_t epoch, uint64_t base, const std::vector<std::string>& upsert,
                 const std::vector<std::string>& remove) {
    std::string up, rm;
    for (const std::string& e : upsert) up += (up.empty() ? "" : ",") + e;
    for (const std::string& id : remove) rm += (rm.empty() ? "\"" : ",\"") + id + "\"";
    return R"({"type":"diff","epoch":)" + std::to_string(epoch) + R"(,"gen":)" + std::to_string(base + 1) +
           R"(,"base":)" + std::to_string(base) + R"(,"upsert":[)" + up + R"(],"remove":[)" + rm + "]}";
}

std::string heartbeat(uint64_t epoch, uint64_t gen) {
    return R"({"type":"heartbeat","epoch":)" + std::to_string(epoch) + R"(,"gen":)" + std::to_string(gen) + "}";
}

class ClientFeedTest : public testing::Test {
protected:
    explicit ClientFeedTest(int poll_ms = Options::kDefaultPollMs)
        : app_(platform_, view_, options(poll_ms), "127.0.0.1", "http://127.0.0.1:5173") {}

    static Options options(int poll_ms) {
        Options options;
        options.poll_ms = poll_ms;
        return options;
    }

    // Started, the first poll unanswered, the watch open with a snapshot of
    // servers a and b at epoch 7, gen 3 (sockets 2 and 3, opened).
    void start_live(double now = 0) {
        app_.start(now);
        app_.socket_opened(kFirstWatch, now + 10);
        app_.socket_message(kFirstWatch, snapshot(7, 3, {entry("a", 4001), entry("b", 4002)}), true, now + 20);
        app_.registry_loaded("[]", now + 25, "\"7.2\"");  // start()'s poll, older than the snapshot: ignored
        app_.socket_opened(2, now + 30);
        app_.socket_opened(3, now + 30);
    }
    FeedMode mode() const { return app_.feed().status().mode; }
    SocketId last_watch() const {
        SocketId last = 0;
        for (const auto& [socket, url] : platform_.opened)
            if (url.starts_with(kWatch)) last = socket;
        return last;
    }
    size_t watch_opens() const {
        return std::count_if(platform_.opened.begin(), platform_.opened.end(),
                             [](const auto& pair) { return pair.second.starts_with(kWatch); });
    }
    size_t lines_with(std::string_view text) const {
        return std::count_if(view_.lines.begin(), view_.lines.end(),
                             [&](const std::string& line) { return line.find(text) != std::string::npos; });
    }
    bool closed(SocketId socket, const std::string& reason) const {
        return std::any_of(platform_.closed.begin(), platform_.closed.end(), [&](const client_test::Closed& c) {
            return c.socket == socket && c.code == 1000 && c.reason == reason;
        });
    }

    // What the browser does after every event: tick whatever is due now
    // (the live region's summary, say), then ask for the next deadline.
    double wakeup_after(double now_ms) {
        app_.tick(now_ms);
        return app_.next_wakeup_ms();
    }
    FakePlatform platform_;
    FakeView view_;
    App app_;
};

TEST_F(ClientFeedTest, StartPollsOnceAndOpensTheWatchSocket) {
    app_.start(0);
    EXPECT_EQ(platform_.fetches, std::vector<std::string>{"/api/registry"});
    EXPECT_EQ(platform_.etags, std::vector<std::string>{""});
    EXPECT_EQ(platform_.opened.at(kFirstWatch), kWatch);
    EXPECT_EQ(mode(), FeedMode::starting);
    EXPECT_EQ(view_.registry.mode, "starting");
    EXPECT_EQ(view_.registry.label, "Connecting");
    EXPECT_EQ(view_.registry.url, kWatch);
    EXPECT_DOUBLE_EQ(app_.next_wakeup_ms(), Feed::kConnectTimeoutMs);  // the socket's handshake limit
}

TEST_F(ClientFeedTest, TheSnapshotMakesThePageLive) {
    start_live();
    EXPECT_EQ(mode(), FeedMode::live);
    EXPECT_EQ(view_.registry.state, "ok");
    EXPECT_EQ(view_.registry.mode, "live");
    EXPECT_EQ(view_.registry.label, "Live");
    EXPECT_EQ(view_.registry.detail, "since 17:42:03 \xC2\xB7 changes are pushed");
    EXPECT_EQ(view_.registry.url, kWatch);
    EXPECT_EQ(lines_with(std::string("info Live: registry changes are pushed over ") + kWatch), 1u);
    EXPECT_EQ(platform_.opened.at(2), "ws://localhost:4001");
    EXPECT_EQ(platform_.opened.at(3), "ws://localhost:4002");
    EXPECT_EQ(view_.count_text, "Found 2 servers");
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{7, 3}));
    // No polling while live: only the heartbeat deadline.
    app_.tick(30000);
    EXPECT_EQ(platform_.fetches.size(), 1u);
    EXPECT_DOUBLE_EQ(app_.next_wakeup_ms(), 20 + Feed::kSilenceMs);
}

TEST_F(ClientFeedTest, APollAnswerAfterTheSnapshotIsIgnored) {
    app_.start(0);
    app_.socket_opened(kFirstWatch, 10);
    app_.socket_message(kFirstWatch, snapshot(7, 3, {entry("a", 4001), entry("b", 4002)}), true, 20);
    app_.registry_loaded("[]", 40, "\"7.2\"");  // the poll of start(), older than the snapshot
    EXPECT_EQ(view_.count_text, "Found 2 servers");
    EXPECT_EQ(app_.servers().size(), 2u);
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{7, 3}));
}

TEST_F(ClientFeedTest, DiffsWhoseBaseMatchesAreApplied) {
    start_live();
    app_.socket_message(kFirstWatch, diff(7, 3, {entry("c", 4003)}, {}), true, 100);
    EXPECT_EQ(platform_.opened.at(4), "ws://localhost:4003");
    EXPECT_EQ(view_.count_text, "Found 3 servers");
    app_.socket_message(kFirstWatch, diff(7, 4, {}, {"a"}), true, 200);
    EXPECT_TRUE(closed(2, "server left the registry"));
    EXPECT_EQ(view_.removed, std::vector<std::string>{"a"});
    EXPECT_EQ(view_.count_text, "Found 2 servers");
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{7, 5}));
    EXPECT_EQ(watch_opens(), 1u);  // no resubscribe
}

TEST_F(ClientFeedTest, AStatusChangeUpdatesTheCardWithoutReconnecting) {
    start_live();
    app_.socket_message(kFirstWatch,
                        diff(7, 3, {entry("a", 4001, R"(,"status":"live","connections":1,"messages":4)")}, {}), true,
                        100);
    EXPECT_EQ(view_.cards["a"].health, "live");
    EXPECT_EQ(view_.cards["a"].counters, "1 connection \xC2\xB7 4 messages");
    EXPECT_EQ(view_.cards["a"].status, "connected");  // same socket
    app_.socket_message(kFirstWatch, diff(7, 4, {entry("a", 4001, R"(,"status":"unresponsive")")}, {}), true, 200);
    EXPECT_EQ(view_.cards["a"].health, "unresponsive");
    EXPECT_EQ(lines_with("error [a] Registry says: unresponsive"), 1u);
    EXPECT_TRUE(platform_.closed.empty());
    EXPECT_EQ(platform_.opened.size(), 3u);
}

struct OutOfStep {
    const char* name;
    std::string message;
    const char* reason;
};

class ClientFeedOutOfStep : public ClientFeedTest, public testing::WithParamInterface<OutOfStep> {};

// A diff or heartbeat that does not follow from what the page holds: it
// closes the socket and subscribes again without a resume, keeping the cards.
TEST_P(ClientFeedOutOfStep, ResubscribesWithoutResume) {
    start_live();
    app_.socket_message(kFirstWatch, GetParam().message, true, 100);
    EXPECT_TRUE(closed(kFirstWatch, "resubscribe"));
    SocketId again = last_watch();
    EXPECT_EQ(again, 4);
    EXPECT_EQ(platform_.opened.at(again), kWatch);  // no ?epoch=&gen=: a snapshot comes
    EXPECT_EQ(lines_with(std::string("info Registry watch out of step (") + GetParam().reason +
                         "); subscribing afresh"),
              1u);
    EXPECT_EQ(mode(), FeedMode::live);  // a moment's gap, not an outage
    EXPECT_EQ(app_.servers().size(), 2u);
    EXPECT_EQ(app_.feed().position(), std::nullopt);

    // Late news from the old socket is not the watch's any more.
    app_.socket_message(kFirstWatch, diff(7, 3, {entry("z", 4999)}, {}), true, 110);
    EXPECT_EQ(app_.servers().size(), 2u);

    app_.socket_opened(again, 120);
    app_.socket_message(again, snapshot(7, 9, {entry("b", 4002), entry("c", 4003)}), true, 130);
    EXPECT_EQ(view_.removed, std::vector<std::string>{"a"});
    EXPECT_EQ(view_.count_text, "Found 2 servers");
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{7, 9}));
    EXPECT_EQ(platform_.fetches.size(), 1u);  // never fell back to polling
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClientFeedOutOfStep,
    testing::Values(OutOfStep{"base_ahead", diff(7, 5, {}, {"a"}), "a diff from gen 5 to 6, the page holds gen 3"},
                    OutOfStep{"base_behind", diff(7, 2, {}, {"a"}), "a diff from gen 2 to 3, the page holds gen 3"},
                    OutOfStep{"other_epoch", diff(8, 3, {}, {"a"}), "a diff of epoch 8, the page holds epoch 7"},
                    OutOfStep{"heartbeat_ahead", heartbeat(7, 4), "a heartbeat at gen 4, the page holds gen 3"},
                    OutOfStep{"heartbeat_other_epoch", heartbeat(2, 3),
                              "a heartbeat of epoch 2, the page holds epoch 7"},
                    OutOfStep{"bad_message", "{oops", "bad message"}),
    [](const testing::TestParamInfo<OutOfStep>& param_info) { return param_info.param.name; });

TEST_F(ClientFeedTest, ASnapshotOfAnotherEpochReplacesEverything) {
    start_live();
    // registry-http restarted: a new epoch, gen from 0. A snapshot always applies.
    app_.socket_message(kFirstWatch, snapshot(99, 0, {entry("a", 4001)}), true, 100);
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{99, 0}));
    EXPECT_EQ(view_.removed, std::vector<std::string>{"b"});
    app_.socket_message(kFirstWatch, diff(99, 0, {entry("c", 4003)}, {}), true, 200);
    EXPECT_EQ(view_.count_text, "Found 2 servers");
}

TEST_F(ClientFeedTest, TwoMismatchesInARowWaitWithBackoff) {
    start_live();
    app_.socket_message(kFirstWatch, diff(7, 5, {}, {}), true, 100);
    SocketId second = last_watch();
    app_.socket_opened(second, 110);
    app_.socket_message(second, snapshot(7, 9, {entry("a", 4001), entry("b", 4002)}), true, 120);
    app_.socket_message(second, diff(7, 12, {}, {}), true, 130);  // out of step again, before any verified message
    EXPECT_EQ(last_watch(), second);                              // not reopened at once
    EXPECT_EQ(mode(), FeedMode::polling);
    EXPECT_EQ(platform_.fetches.size(), 2u);  // polling meanwhile
    EXPECT_DOUBLE_EQ(wakeup_after(130), 130 + 1000);  // the second failure's backoff
    app_.tick(1130);
    EXPECT_EQ(platform_.opened.at(last_watch()), kWatch);
    EXPECT_NE(last_watch(), second);
}

TEST_F(ClientFeedTest, HeartbeatsKeepTheSocketAndSilenceEndsIt) {
    start_live();
    app_.socket_message(kFirstWatch, heartbeat(7, 3), true, 15020);
    EXPECT_DOUBLE_EQ(wakeup_after(15020), 15020 + Feed::kSilenceMs);
    app_.tick(15020 + Feed::kSilenceMs - 1);
    EXPECT_TRUE(platform_.closed.empty());
    EXPECT_EQ(mode(), FeedMode::live);

    app_.tick(15020 + Feed::kSilenceMs);  // two heartbeats missed, and the slack
    EXPECT_TRUE(closed(kFirstWatch, "silent"));
    EXPECT_EQ(mode(), FeedMode::polling);
    EXPECT_EQ(lines_with("error Registry watch lost (no message for 35 s); polling "
                         "http://127.0.0.1:5173/api/registry every 5 s"),
              1u);
    // The fallback asks whether anything changed since what the page holds.
    ASSERT_EQ(platform_.fetches.size(), 2u);
    EXPECT_EQ(platform_.etags.back(), "\"7.3\"");
}

// registry-http --watch-heartbeat 60s says so in the snapshot: silence is
// two of its periods and the slack, not the 35 s of the default.
TEST_F(ClientFeedTest, TheSnapshotsHeartbeatPeriodSetsTheSilenceLimit) {
    app_.start(0);
    app_.socket_opened(kFirstWatch, 10);
    app_.socket_message(kFirstWatch, snapshot(7, 3, {entry("a", 4001)}, 60000), true, 20);
    app_.socket_opened(2, 30);  // server a's card
    EXPECT_DOUBLE_EQ(app_.feed().silence_ms(), 125000);
    EXPECT_DOUBLE_EQ(wakeup_after(20 + Feed::kSilenceMs), 20 + 125000);  // 35 s: the default's limit
    EXPECT_TRUE(platform_.closed.empty());
    EXPECT_EQ(mode(), FeedMode::live);
    app_.tick(20 + 125000 - 1);
    EXPECT_TRUE(platform_.closed.empty());
    EXPECT_EQ(mode(), FeedMode::live);

    app_.tick(20 + 125000);
    EXPECT_TRUE(closed(kFirstWatch, "silent"));
    EXPECT_EQ(lines_with("error Registry watch lost (no message for 125 s); polling"), 1u);
}

// A resume brings no snapshot, so the page resumes only the run whose
// period it knows; a poll that finds another epoch (registry-http restarted,
// maybe with another --watch-heartbeat) makes it subscribe afresh.
TEST_F(ClientFeedTest, APolledEpochWhosePeriodThePageDoesNotKnowIsNotResumed) {
    start_live();
    app_.socket_closed(kFirstWatch, 1006, "", 1000);
    app_.registry_loaded("[" + entry("a", 4001) + "]", 1010, "\"8.2\"");
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{8, 2}));
    app_.tick(1500);  // the first retry
    SocketId fresh = last_watch();
    ASSERT_NE(fresh, kFirstWatch);
    EXPECT_EQ(platform_.opened.at(fresh), kWatch);  // no ?epoch=8&gen=2
    app_.socket_opened(fresh, 1600);
    EXPECT_EQ(mode(), FeedMode::polling);  // not live until the snapshot
    app_.socket_message(fresh, snapshot(8, 2, {entry("a", 4001)}, 60000), true, 1610);
    EXPECT_EQ(mode(), FeedMode::live);
    EXPECT_DOUBLE_EQ(app_.feed().silence_ms(), 125000);
}

TEST_F(ClientFeedTest, WhileDownItPollsWithIfNoneMatchAndA304ChangesNothing) {
    start_live();
    app_.socket_closed(kFirstWatch, 1006, "", 1000);
    EXPECT_EQ(mode(), FeedMode::polling);
    EXPECT_EQ(lines_with("error Registry watch lost (connection lost); polling"), 1u);
    ASSERT_EQ(platform_.fetches.size(), 2u);
    EXPECT_EQ(platform_.etags.back(), "\"7.3\"");

    size_t lines = view_.lines.size();
    std::map<std::string, client::CardModel> cards = view_.cards;
    app_.registry_not_modified(1010);
    EXPECT_EQ(view_.cards, cards);
    EXPECT_EQ(app_.servers().size(), 2u);
    EXPECT_EQ(view_.lines.size(), lines);
    EXPECT_EQ(view_.registry.label, "Polling");
    EXPECT_EQ(view_.registry.detail, "since 17:42:03 (watch socket down) \xC2\xB7 read at 17:42:03, every 5 s");
    EXPECT_EQ(view_.registry.url, "http://127.0.0.1:5173/api/registry");

    // The next poll at the interval, with the same question.
    app_.tick(5999);
    EXPECT_EQ(platform_.fetches.size(), 2u);
    app_.socket_closed(last_watch(), 1006, "", 5999);  // the retries fail meanwhile (500 ms, 1 s, 2 s...)
    app_.tick(6000);
    ASSERT_EQ(platform_.fetches.size(), 3u);
    EXPECT_EQ(platform_.etags.back(), "\"7.3\"");

    // A change: a 200 with a new ETag; the socket resumes from there.
    app_.registry_loaded("[" + entry("a", 4001) + "]", 6010, "\"7.8\"");
    EXPECT_EQ(view_.count_text, "Found 1 server");
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{7, 8}));
    app_.tick(app_.next_wakeup_ms());
    EXPECT_EQ(platform_.opened.at(last_watch()), std::string(kWatch) + "?epoch=7&gen=8");
}

TEST_F(ClientFeedTest, AResumedSocketIsLiveAtOnceAndGetsTheMissedDiffs) {
    start_live();
    app_.socket_closed(kFirstWatch, 1001, "", 1000);
    EXPECT_DOUBLE_EQ(wakeup_after(1000), 1500);  // first retry after 500 ms
    app_.tick(1500);
    SocketId resumed = last_watch();
    EXPECT_EQ(platform_.opened.at(resumed), std::string(kWatch) + "?epoch=7&gen=3");
    app_.socket_opened(resumed, 1510);
    EXPECT_EQ(mode(), FeedMode::live);
    EXPECT_EQ(lines_with("info Live again: registry changes are pushed over"), 1u);
    // The diffs missed while down, from the gen the page holds.
    app_.socket_message(resumed, diff(7, 3, {entry("c", 4003)}, {}), true, 1520);
    app_.socket_message(resumed, diff(7, 4, {}, {"b"}), true, 1530);
    EXPECT_EQ(view_.count_text, "Found 2 servers");
    EXPECT_EQ(app_.feed().position(), (client::WatchPosition{7, 5}));
    // Polling stopped: no fetch beyond the one made when the socket went down.
    app_.tick(60000);
    EXPECT_EQ(platform_.fetches.size(), 2u);
}

TEST_F(ClientFeedTest, ReconnectsWithBackoffAndSaysSoOnce) {
    start_live();
    app_.socket_closed(kFirstWatch, 1006, "", 1000);
    double now = 1000;
    for (double delay : {500.0, 1000.0, 2000.0, 4000.0, 8000.0}) {
        EXPECT_LE(app_.next_wakeup_ms(), now + delay);
        app_.tick(now + delay - 1);
        SocketId before = last_watch();
        app_.tick(now + delay);
        ASSERT_NE(last_watch(), before) << "retry after " << delay;
        now += delay;
        app_.socket_closed(last_watch(), 1006, "", now);
    }
    EXPECT_EQ(lines_with("Registry watch lost"), 1u);
    EXPECT_EQ(watch_opens(), 6u);
}

TEST_F(ClientFeedTest, ARegistryHttpWithoutTheWatchSocketIsPolled) {
    app_.start(0);
    app_.socket_closed(kFirstWatch, 1006, "", 5);  // a 404 to the upgrade
    EXPECT_EQ(mode(), FeedMode::polling);
    EXPECT_EQ(lines_with("info Registry watch unavailable (could not connect); polling "
                         "http://127.0.0.1:5173/api/registry every 5 s"),
              1u);
    EXPECT_EQ(platform_.fetches.size(), 1u);  // the first poll is still on its way
    app_.registry_loaded("[" + entry("a", 4001) + "]", 10);  // no ETag: an older registry-http
    EXPECT_EQ(view_.count_text, "Found 1 server");
    EXPECT_EQ(app_.feed().position(), std::nullopt);
    app_.tick(5000);
    EXPECT_EQ(platform_.etags.back(), "");
}

TEST_F(ClientFeedTest, AHandshakeThatHangsFallsBackToPolling) {
    app_.start(0);
    app_.registry_loaded("[]", 10, "\"1.1\"");
    app_.tick(Feed::kConnectTimeoutMs);
    EXPECT_TRUE(closed(kFirstWatch, "connect timeout"));
    EXPECT_EQ(mode(), FeedMode::polling);
    EXPECT_EQ(lines_with("Registry watch unavailable (no answer within 10 s)"), 1u);
}

TEST_F(ClientFeedTest, TheListIsStaleWhileTheRegistryIsUnreachable) {
    start_live();
    app_.socket_closed(kFirstWatch, 1006, "", 1000);
    app_.registry_failed("no answer from /api/registry (is registry-http running?)", 1010);
    EXPECT_EQ(view_.registry.state, "error");
    EXPECT_EQ(view_.registry.label, "Unreachable");
    EXPECT_TRUE(view_.stale);
    EXPECT_EQ(view_.count_text, "Found 2 servers (stale since 17:42:03)");
    EXPECT_EQ(lines_with("error Registry unreachable: no answer"), 1u);
    app_.tick(6010);
    app_.registry_failed("no answer from /api/registry (is registry-http running?)", 6020);
    EXPECT_EQ(lines_with("error Registry unreachable: no answer"), 1u);  // once per outage

    // registry-http is back: the socket resumes (another epoch: a snapshot).
    app_.tick(app_.next_wakeup_ms());
    SocketId back = last_watch();
    app_.socket_opened(back, 7000);
    app_.socket_message(back, snapshot(8, 0, {entry("a", 4001), entry("b", 4002)}), true, 7010);
    EXPECT_EQ(mode(), FeedMode::live);
    EXPECT_FALSE(view_.stale);
    EXPECT_EQ(view_.count_text, "Found 2 servers");
    EXPECT_EQ(view_.registry.label, "Live");
}

TEST_F(ClientFeedTest, OnlyEchoServersGetTestMessages) {
    app_.start(0);
    app_.socket_opened(kFirstWatch, 10);
    app_.socket_message(kFirstWatch,
                        snapshot(1, 1,
                                 {entry("echo", 4001, R"(,"kind":"echo")"), entry("old", 4002),
                                  entry("doc", 4003, R"(,"kind":"yjs")"),
                                  R"({"id":"web","port":8080,"url":"http://localhost:8080/","kind":"http"})"}),
                        true, 20);
    // Every ws:// entry is connected; the http one is a link only.
    EXPECT_EQ(platform_.opened.size(), 4u);
    EXPECT_EQ(platform_.opened.at(4), "ws://localhost:4003");
    EXPECT_EQ(view_.cards["web"].status, "none");
    EXPECT_EQ(view_.cards["web"].link, "http://localhost:8080/");
    EXPECT_EQ(view_.cards["old"].kind, "echo (assumed)");
    EXPECT_EQ(lines_with("[doc] Found on port 4003 (kind yjs, no test messages)"), 1u);
    for (SocketId socket : {2, 3, 4}) app_.socket_opened(socket, 30);
    EXPECT_EQ(view_.summary, "3 connected \xC2\xB7 1 link only");

    EXPECT_EQ(app_.send("hi", 40), 2u);
    EXPECT_EQ(platform_.sent, (std::vector<std::pair<SocketId, std::string>>{{2, "hi"}, {3, "hi"}}));
    app_.tick(1e7);  // nothing to retry for the link
    EXPECT_EQ(platform_.opened.size(), 4u);
}

TEST_F(ClientFeedTest, TheLiveRegionSumsUpAtMostOnceASecond) {
    start_live();  // two servers found, Live, two connected: five lines by t=30
    EXPECT_TRUE(view_.announcements.empty());
    app_.tick(30);
    ASSERT_EQ(view_.announcements.size(), 1u);
    EXPECT_EQ(view_.announcements[0], "5 events");  // the ignored poll answer says nothing
    app_.tick(40);
    EXPECT_EQ(view_.announcements.size(), 1u);  // nothing new

    // Echoes at once: the log shows each, the live region waits out its second.
    app_.send("hi", 100);
    app_.socket_message(2, "hi", true, 110);
    app_.socket_message(3, "hi", true, 120);
    app_.tick(1029);
    EXPECT_EQ(view_.announcements.size(), 1u);
    EXPECT_DOUBLE_EQ(app_.next_wakeup_ms(), 1030);
    app_.tick(1030);
    ASSERT_EQ(view_.announcements.size(), 2u);
    EXPECT_EQ(view_.announcements[1], "2 echoes, 2 messages sent");

    app_.socket_closed(3, 1006, "", 3000);  // a single line is said as it is
    app_.tick(3000);
    ASSERT_EQ(view_.announcements.size(), 3u);
    EXPECT_EQ(view_.announcements[2], "[b] Disconnected: connection lost");
}

class ClientFeedHourTest : public ClientFeedTest {
protected:
    ClientFeedHourTest() : ClientFeedTest(3600000) {}
};

TEST_F(ClientFeedHourTest, APollIntervalOfAnHour) {
    start_live();
    app_.socket_closed(kFirstWatch, 1006, "", 1000);
    ASSERT_EQ(platform_.fetches.size(), 2u);  // one poll when the socket goes down...
    app_.registry_not_modified(1010);
    EXPECT_EQ(view_.registry.detail, "since 17:42:03 (watch socket down) \xC2\xB7 read at 17:42:03, every 1 h");
    for (double t = 1010; t < 1000 + 3600000; t += 60000) {
        app_.tick(t);
        if (last_watch() != 0 && platform_.opened.size() > 0) app_.socket_closed(last_watch(), 1006, "", t);
    }
    EXPECT_EQ(platform_.fetches.size(), 2u);  // ...and the next one an hour later
    app_.tick(1000 + 3600000);
    EXPECT_EQ(platform_.fetches.size(), 3u);
}

}  // namespace
