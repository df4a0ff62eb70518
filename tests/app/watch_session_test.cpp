// app::WatchSession on a fake link: the bytes it writes, its closes, its
// backlog rule. Server frames are read back with tests/support/ws_frames.
#include "app/watch_session.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "json/reader.h"
#include "tests/support/ws_frames.h"

namespace {

class Link final : public net::Link {
public:
    void write(std::string_view bytes) override {
        EXPECT_EQ(in_place_size(), 0u) << "a watcher writes nothing in place";
        if (!closing()) output.append(bytes);
    }
    void write(std::string_view head, std::string_view body) override {
        write(head);
        write(body);
    }
    size_t output_room() const override { return 1u << 20; }
    size_t output_pending() const override { return pending; }
    bool closing() const override { return closed || aborted; }
    void expect_input(size_t total) override { expected = total; }
    void close_after_flush() override { closed = true; }
    void abort() override { aborted = true; }
    void set_deadline(int64_t ms) override { deadline = ms; }
    int64_t now_ms() const override { return 1'000; }
    int fd() const override { return -1; }

    void keep_in_place() noexcept override { ADD_FAILURE() << "a watcher writes nothing in place"; }
    std::vector<support::Frame> frames() const { return support::parse_server_frames(output); }

    std::string output;
    size_t pending = 0;  // what the kernel has not taken, as the test says
    size_t expected = 0;
    bool closed = false, aborted = false;
    int64_t deadline = -1;
};

std::vector<json::Value> set_of(const std::string& text) { return json::parse(text).value().as_array(); }

std::span<uint8_t> bytes(std::string& s) { return {reinterpret_cast<uint8_t*>(s.data()), s.size()}; }

class WatchSessionTest : public ::testing::Test {
protected:
    WatchSessionTest() {
        config_.max_backlog = 1000;
        log_.apply(set_of(R"([{"id":"a","port":1}])"));
        log_.apply(set_of(R"([{"id":"a","port":1},{"id":"b","port":2}])"));
        log_.apply(set_of(R"([{"id":"b","port":2}])"));
    }
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const auto& frame : link_.frames()) {
            EXPECT_EQ(frame.opcode, 1);
            EXPECT_TRUE(frame.fin);
            out.push_back(frame.payload);
        }
        return out;
    }
    // Feeds client bytes; returns how many the session took.
    size_t feed(std::string input) { return session_.on_input(bytes(input)); }

    registry::LiveLog log_{9};
    app::WatchConfig config_;
    Link link_;
    app::WatchSession session_{link_, config_};
};

TEST(ParseResume, EpochAndGenInEitherOrder) {
    auto point = app::parse_resume("/api/registry/watch?epoch=12&gen=3");
    ASSERT_TRUE(point);
    EXPECT_EQ(point->epoch, 12u);
    EXPECT_EQ(point->gen, 3u);
    point = app::parse_resume("/api/registry/watch?x=1&gen=0&epoch=4#frag");
    ASSERT_TRUE(point);
    EXPECT_EQ(point->epoch, 4u);
    EXPECT_EQ(point->gen, 0u);
    EXPECT_FALSE(app::parse_resume("/api/registry/watch"));
    EXPECT_FALSE(app::parse_resume("/api/registry/watch?epoch=12"));
    EXPECT_FALSE(app::parse_resume("/api/registry/watch?epoch=12&gen="));
    EXPECT_FALSE(app::parse_resume("/api/registry/watch?epoch=12&gen=-1"));
    EXPECT_FALSE(app::parse_resume("/api/registry/watch?epoch=1x&gen=1"));
    EXPECT_FALSE(app::parse_resume("/api/registry/watch?epoch=99999999999999999999&gen=1"));
}

TEST_F(WatchSessionTest, SnapshotFirst) {
    session_.start(log_, "/api/registry/watch");
    EXPECT_EQ(texts(), (std::vector<std::string>{R"({"type":"snapshot","epoch":9,"gen":3,"heartbeatMs":15000,"servers":[{"id":"b","port":2}]})"}));
    EXPECT_EQ(link_.deadline, 0);  // no deadline: heartbeats and the backlog rule keep watch
}

TEST_F(WatchSessionTest, ResumeGetsExactlyTheMissedDiffs) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=1");
    EXPECT_EQ(texts(), (std::vector<std::string>{
                           R"({"type":"diff","epoch":9,"gen":2,"base":1,"upsert":[{"id":"b","port":2}],"remove":[]})",
                           R"({"type":"diff","epoch":9,"gen":3,"base":2,"upsert":[],"remove":["a"]})"}));
}

TEST_F(WatchSessionTest, ResumeUpToDateGetsNothing) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    EXPECT_EQ(link_.output, "");
}

TEST_F(WatchSessionTest, AnotherEpochOrAGenAheadGetsASnapshot) {
    session_.start(log_, "/api/registry/watch?epoch=8&gen=1");
    app::WatchSession ahead(link_, config_);
    ahead.start(log_, "/api/registry/watch?epoch=9&gen=4");
    const std::string snapshot = R"({"type":"snapshot","epoch":9,"gen":3,"heartbeatMs":15000,"servers":[{"id":"b","port":2}]})";
    EXPECT_EQ(texts(), (std::vector<std::string>{snapshot, snapshot}));
}

TEST_F(WatchSessionTest, PingIsAnsweredWithPongAndTextIsIgnored) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    std::string input = support::masked_frame(0x89, "hi") + support::masked_frame(0x81, "hello") +
                        support::masked_frame(0x01, "frag") + support::masked_frame(0x80, "ment");
    EXPECT_EQ(feed(input), input.size());
    EXPECT_EQ(link_.output, support::unmasked_frame(0x8a, "hi"));
    EXPECT_FALSE(link_.closing());
}

TEST_F(WatchSessionTest, CloseIsEchoedWithItsCode) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    feed(support::masked_frame(0x88, std::string("\x0f\xa0", 2) + "bye"));  // 4000
    EXPECT_EQ(link_.output, support::unmasked_frame(0x88, std::string("\x0f\xa0", 2)));
    EXPECT_TRUE(link_.closed);
    EXPECT_TRUE(session_.send("{}"));  // closing: nothing more is sent
    EXPECT_EQ(link_.output, support::unmasked_frame(0x88, std::string("\x0f\xa0", 2)));
}

TEST_F(WatchSessionTest, BrokenFramesClose1002And1009) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    feed(support::unmasked_frame(0x81, "x"));  // a client must mask
    auto frames = link_.frames();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].opcode, 8);
    EXPECT_EQ(support::close_code(frames[0].payload), 1002);
    EXPECT_TRUE(link_.closed);

    Link other;
    app::WatchSession big(other, config_);
    big.start(log_, "/api/registry/watch?epoch=9&gen=3");
    std::string header = support::masked_frame(0x82, std::string(app::WatchSession::kMaxClientPayload + 1, 'x'));
    header.resize(14);  // its header alone is enough to refuse it
    big.on_input(bytes(header));
    ASSERT_EQ(other.frames().size(), 1u);
    EXPECT_EQ(support::close_code(other.frames()[0].payload), 1009);

    Link third;
    app::WatchSession stray(third, config_);
    stray.start(log_, "/api/registry/watch?epoch=9&gen=3");
    std::string continuation = support::masked_frame(0x80, "x");
    stray.on_input(bytes(continuation));
    ASSERT_EQ(third.frames().size(), 1u);
    EXPECT_EQ(support::close_code(third.frames()[0].payload), 1002);
}

TEST_F(WatchSessionTest, AHalfFrameWaitsForTheRest) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    std::string ping = support::masked_frame(0x89, "abc");
    EXPECT_EQ(feed(ping.substr(0, 4)), 0u);
    EXPECT_EQ(feed(ping), ping.size());
    EXPECT_EQ(link_.output, support::unmasked_frame(0x8a, "abc"));
}

TEST_F(WatchSessionTest, AWatcherThatDoesNotReadIsDroppedAtTheBacklogLimit) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    const std::string message(500, 'm');
    link_.pending = 0;
    EXPECT_TRUE(session_.send(std::string(5000, 'x')));  // an empty backlog takes any one message
    link_.pending = 497;  // + 4 bytes of header + 500 = 1001 > 1000
    EXPECT_FALSE(session_.send(message));
    EXPECT_TRUE(link_.aborted);
    EXPECT_EQ(link_.frames().size(), 1u);
}

TEST_F(WatchSessionTest, UpToTheLimitIsSent) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    link_.pending = 496;  // 496 + 4 + 500 = 1000
    EXPECT_TRUE(session_.send(std::string(500, 'm')));
    EXPECT_FALSE(link_.aborted);
    EXPECT_EQ(texts(), (std::vector<std::string>{std::string(500, 'm')}));
}

TEST_F(WatchSessionTest, TheFirstMessagesAreOwedWhateverTheBacklog) {
    link_.pending = 5000;  // the 101 and more, not yet sent
    session_.start(log_, "/api/registry/watch?epoch=9&gen=0");
    EXPECT_FALSE(link_.aborted);
    EXPECT_EQ(texts().size(), 3u);
}

TEST_F(WatchSessionTest, ShutdownSays1001AndWaitsForTheAnswer) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    session_.on_shutdown();
    ASSERT_EQ(link_.frames().size(), 1u);
    std::string reason;
    EXPECT_EQ(support::close_code(link_.frames()[0].payload, &reason), 1001);
    EXPECT_EQ(reason, "server shutting down");
    EXPECT_EQ(link_.deadline, 1'000 + config_.close_timeout_ms);
    EXPECT_FALSE(session_.open());
    feed(support::masked_frame(0x88, std::string("\x03\xe9", 2)));
    EXPECT_TRUE(link_.closed);
    EXPECT_EQ(link_.frames().size(), 1u);  // the answer to ours is not answered
}

TEST_F(WatchSessionTest, NoAnswerToOurCloseAborts) {
    session_.start(log_, "/api/registry/watch?epoch=9&gen=3");
    session_.on_shutdown();
    session_.on_deadline();
    EXPECT_TRUE(link_.aborted);
}

}  // namespace
