// app::WsSession without a socket (tests/app/ws_session_host.h): the exact
// bytes and close of every message rule, each also with its input cut at
// every byte boundary and fed a byte at a time. Autobahn 6.4.1-6.4.4 (a text
// message that turns invalid in its second of three chops, as frames and
// inside one frame) fail with 1007 before the third chop is sent.
#include "app/ws_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/ws_frames.h"
#include "ws_session_host.h"

namespace {

using namespace std::string_literals;
using session_test::client_frame;
using session_test::server_close;
using session_test::server_frame;
using session_test::SessionHost;
using websocket::Opcode;

struct Outcome {
    std::string output;
    bool closed = false;
    bool aborted = false;
    bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
    os << "{closed=" << o.closed << " aborted=" << o.aborted << " output (" << o.output.size() << " bytes)=";
    for (unsigned char c : o.output.substr(0, 160)) {
        static const char* hex = "0123456789abcdef";
        if (c >= 0x20 && c < 0x7f && c != '\\') os << c;
        else os << "\\x" << hex[c >> 4] << hex[c & 15];
    }
    return os << "}";
}

// Opens a session, feeds `input` cut before each of `cuts`; what came out after the handshake.
Outcome run(std::string_view input, const std::vector<size_t>& cuts, const app::WsConfig& config) {
    SessionHost host(config);
    EXPECT_TRUE(host.open());
    host.feed_cut(input, cuts);
    return {host.output(), host.closed(), host.aborted()};
}

// The same outcome whole, cut at every byte boundary, and a byte at a time.
void expect_every_split(std::string_view input, const Outcome& expected,
                        const app::WsConfig& config = session_test::test_config()) {
    EXPECT_EQ(run(input, {}, config), expected) << "whole";
    for (size_t cut = 1; cut < input.size(); ++cut) {
        ASSERT_EQ(run(input, {cut}, config), expected) << "cut at " << cut;
    }
    std::vector<size_t> every;
    for (size_t cut = 1; cut < input.size(); ++cut) every.push_back(cut);
    EXPECT_EQ(run(input, every, config), expected) << "a byte at a time";
}

Outcome echoed(std::string output) { return {std::move(output), false, false}; }
Outcome closed_with(std::string output) { return {std::move(output), true, false}; }

using support::pattern;

// ---- echo --------------------------------------------------------------------

TEST(WsSession, HandshakeCutAnywhereIsAnsweredOnce) {
    const std::string input = std::string(session_test::kUpgrade) + client_frame(0x81, "hi");
    for (size_t cut = 0; cut <= input.size(); ++cut) {
        SessionHost host;
        host.feed_cut(input, {cut});
        ASSERT_EQ(host.output(), std::string(session_test::kUpgraded) + server_frame(Opcode::text, "hi"))
            << "cut at " << cut;
    }
}

TEST(WsSession, EchoesTextAndBinaryOfEveryLengthForm) {
    std::string in, out;
    for (size_t size : {0, 1, 125, 126, 300}) {
        in += client_frame(0x81, std::string(size, 'a' + size % 26)) + client_frame(0x82, pattern(size));
        out += server_frame(Opcode::text, std::string(size, 'a' + size % 26)) +
               server_frame(Opcode::binary, pattern(size));
    }
    expect_every_split(in, echoed(out));
}

TEST(WsSession, FragmentedMessageIsEchoedAsOneFrame) {
    expect_every_split(client_frame(0x01, "Hel") + client_frame(0x00, "lo, ") + client_frame(0x80, "world"),
                       echoed(server_frame(Opcode::text, "Hello, world")));
}

TEST(WsSession, PingsBetweenFragmentsAreAnsweredAtOnce) {
    // The pongs leave before the message they interrupted, which is echoed
    // whole once its last fragment is in; an unsolicited pong is ignored.
    const std::string in = client_frame(0x02, "ab") + client_frame(0x89, "p1") + client_frame(0x00, "cd") +
                           client_frame(0x8a, "unsolicited") + client_frame(0x89, "") + client_frame(0x80, "ef");
    expect_every_split(in, echoed(server_frame(Opcode::pong, "p1") + server_frame(Opcode::pong, "") +
                                  server_frame(Opcode::binary, "abcdef")));
}

TEST(WsSession, FullSizedPingsFitBetweenFragmentsNearTheLimit) {
    // max_message is 1000: with 10 bytes left in the message, a 125-byte ping
    // and close are still taken (the limit bounds data frames alone).
    const std::string ping(125, 'p');
    const std::string close = std::string("\x03\xe8") + std::string(123, 'r');
    expect_every_split(client_frame(0x02, pattern(990)) + client_frame(0x89, ping) + client_frame(0x80, pattern(10)),
                       echoed(server_frame(Opcode::pong, ping) + server_frame(Opcode::binary, pattern(990) + pattern(10))));
    expect_every_split(client_frame(0x02, pattern(1000)) + client_frame(0x88, close),
                       closed_with(server_frame(Opcode::close, "\x03\xe8")));
}

// ---- the message rules -------------------------------------------------------

TEST(WsSession, ContinuationWithoutAMessageFails1002) {
    expect_every_split(client_frame(0x81, "ok") + client_frame(0x80, "orphan") + client_frame(0x81, "never"),
                       closed_with(server_frame(Opcode::text, "ok") +
                                   server_close(1002, "continuation frame without a message to continue")));
}

TEST(WsSession, DataFrameInsideAMessageFails1002) {
    expect_every_split(client_frame(0x01, "first") + client_frame(0x82, "second"),
                       closed_with(server_close(1002, "new data frame before the fragmented message finished")));
    // Known from the header: a long frame fails before its payload is in.
    SessionHost host;
    ASSERT_TRUE(host.open());
    const std::string second = client_frame(0x81, std::string(500, 'x'));
    host.feed(client_frame(0x01, "first") + second.substr(0, 8));
    EXPECT_TRUE(host.closed());
    EXPECT_EQ(host.output(), server_close(1002, "new data frame before the fragmented message finished"));
}

TEST(WsSession, OversizeMessageFails1009) {
    // max_message is 1000: one frame over it is refused from its header, and
    // so is a fragment that would take the message over it.
    const Outcome from_header = closed_with(server_close(1009, "frame payload over the message size limit"));
    expect_every_split(client_frame(0x82, pattern(1001)).substr(0, 20), from_header);
    expect_every_split(client_frame(0x02, pattern(600)) + client_frame(0x80, pattern(401)).substr(0, 12), from_header);
    // A fragment small enough to pass for a control frame, from its header too.
    expect_every_split(client_frame(0x01, std::string(990, 'a')) + client_frame(0x80, std::string(11, 'b')).substr(0, 6),
                       from_header);
    // A limit below 125 holds for a single frame as well.
    app::WsConfig tiny = session_test::test_config();
    tiny.max_message = 100;
    expect_every_split(client_frame(0x82, pattern(101)).substr(0, 6), from_header, tiny);
    expect_every_split(client_frame(0x82, pattern(100)), echoed(server_frame(Opcode::binary, pattern(100))), tiny);
    // Exactly the limit is fine.
    expect_every_split(client_frame(0x02, pattern(999)) + client_frame(0x80, "z"),
                       echoed(server_frame(Opcode::binary, pattern(999) + "z")));
}

// ---- memory ------------------------------------------------------------------

// Sets net::buffer_memory.limit for one test and puts it back.
class MemoryLimit {
public:
    explicit MemoryLimit(size_t limit) : before_(net::buffer_memory.limit) { net::buffer_memory.limit = limit; }
    ~MemoryLimit() { net::buffer_memory.limit = before_; }
    MemoryLimit(const MemoryLimit&) = delete;
    MemoryLimit& operator=(const MemoryLimit&) = delete;

private:
    size_t before_;
};

TEST(WsSession, FragmentPastTheMemoryLimitFails1013) {
    // The fragmented message's own buffer may not grow past --max-memory:
    // the first fragment cannot be kept, so the client is told to come back.
    SessionHost host;
    ASSERT_TRUE(host.open());
    const MemoryLimit none_left(net::buffer_memory.held);
    host.feed(client_frame(0x01, "Hel") + client_frame(0x80, "lo"));
    EXPECT_TRUE(host.closed());
    EXPECT_EQ(host.output(), server_close(1013, "server memory limit reached; try again later"));
}

TEST(WsSession, FragmentsUnderTheMemoryLimitAreEchoed) {
    SessionHost host;
    ASSERT_TRUE(host.open());
    const MemoryLimit room(net::buffer_memory.held + 4096);
    const size_t held_before = net::buffer_memory.held;
    host.feed(client_frame(0x01, "Hel") + client_frame(0x80, "lo"));
    EXPECT_FALSE(host.closed());
    EXPECT_EQ(host.output(), server_frame(Opcode::text, "Hello"));
    EXPECT_EQ(net::buffer_memory.held, held_before);  // the message's buffer is given back
}

TEST(WsSession, ConnectionShortOfMemoryClosesWith1013Or1011) {
    // Over --max-memory: try again later; no memory at all: an internal error.
    SessionHost limited;
    ASSERT_TRUE(limited.open());
    limited.feed(client_frame(0x01, "Hel"));
    limited.memory_short(net::Shortage::limit);
    EXPECT_TRUE(limited.closed());
    EXPECT_EQ(limited.output(), server_close(1013, "server memory limit reached; try again later"));

    SessionHost starved;
    ASSERT_TRUE(starved.open());
    starved.feed(client_frame(0x81, "ok") + client_frame(0x81, "half").substr(0, 4));
    starved.memory_short(net::Shortage::system);
    EXPECT_TRUE(starved.closed());
    EXPECT_EQ(starved.output(), server_frame(Opcode::text, "ok") + server_close(1011, "server out of memory"));
}

TEST(WsSession, MemoryShortDuringTheHandshakeSendsNoFrame) {
    SessionHost host;
    host.feed(session_test::kUpgrade.substr(0, 10));
    host.memory_short(net::Shortage::limit);
    EXPECT_TRUE(host.closed());
    EXPECT_EQ(host.output(), "");  // no WebSocket yet: no close frame to send
}

TEST(WsSession, AnIdleConnectionStaysSmall) {
    // An idle client costs its WsConnection and little else (docs/benchmarks.md:
    // 243-245 bytes each at 10,000). 208 bytes is a 224-byte malloc chunk;
    // debug and sanitizer builds add two pointers for the Link asserts.
#ifdef NDEBUG
    constexpr size_t kAsserts = 0;
#else
    constexpr size_t kAsserts = 2 * sizeof(void*);
#endif
    EXPECT_LE(sizeof(app::WsConnection), 208 + kAsserts);
    EXPECT_LE(sizeof(app::WsSession), 96u);
}

TEST(WsSession, TextEndingInsideAUtf8SequenceFails1007) {
    expect_every_split(client_frame(0x81, "abc\xe2\x82"),
                       closed_with(server_close(1007, "text message ends inside a UTF-8 sequence")));
    expect_every_split(client_frame(0x01, "abc\xe2") + client_frame(0x80, "\x82"),
                       closed_with(server_close(1007, "text message ends inside a UTF-8 sequence")));
    // Split across fragments, the character is fine.
    expect_every_split(client_frame(0x01, "abc\xe2") + client_frame(0x00, "\x82") + client_frame(0x80, "\xac"),
                       echoed(server_frame(Opcode::text, "abc\xe2\x82\xac")));
}

TEST(WsSession, InvalidUtf8FailsAtTheFirstBadByte) {
    const Outcome bad = closed_with(server_close(1007, "text message is not valid UTF-8"));
    expect_every_split(client_frame(0x81, "\xed\xa0\x80"), bad);  // a surrogate
    // Within one long frame that is still arriving: the bad byte is enough.
    const std::string frame = client_frame(0x81, "valid " + std::string(300, 'v') + "\xc0" + std::string(300, 'w'));
    expect_every_split(frame.substr(0, 4 + 4 + 307), bad);
    // Binary is never checked.
    expect_every_split(client_frame(0x82, "\xc0\xff"), echoed(server_frame(Opcode::binary, "\xc0\xff")));
}

// Autobahn 6.4.1-6.4.4: a text message in three chops, the second making it
// invalid. 6.4.1/6.4.2 send each chop as a frame, 6.4.3/6.4.4 send one frame
// in three pieces. The 1007 must come out before the third chop is sent.
struct Chops {
    std::string part1, part2, part3;
};
const Chops k641{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xf4\x90\x80\x80", "\x65\x64\x69\x74\x65\x64"};
const Chops k642{"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4", "\x90", "\x80\x80\x65\x64\x69\x74\x65\x64"};

void expect_fail_fast(const std::vector<std::string>& chops) {
    SessionHost host;
    ASSERT_TRUE(host.open());
    host.feed(chops[0]);
    EXPECT_EQ(host.output(), "");
    EXPECT_FALSE(host.closed());
    host.feed(chops[1]);
    EXPECT_EQ(host.output(), server_close(1007, "text message is not valid UTF-8"));
    EXPECT_TRUE(host.closed());
    host.feed(chops[2]);  // too late: nothing more reaches the session
    EXPECT_EQ(host.output(), server_close(1007, "text message is not valid UTF-8"));
}

TEST(WsSession, Autobahn_6_4_1_InvalidSecondFrameFailsFast) {
    expect_fail_fast({client_frame(0x01, k641.part1), client_frame(0x00, k641.part2), client_frame(0x80, k641.part3)});
}

TEST(WsSession, Autobahn_6_4_2_InvalidByteAloneInSecondFrameFailsFast) {
    expect_fail_fast({client_frame(0x01, k642.part1), client_frame(0x00, k642.part2), client_frame(0x80, k642.part3)});
}

std::vector<std::string> chopped_frame(const Chops& c) {
    const std::string frame = client_frame(0x81, c.part1 + c.part2 + c.part3);
    const size_t header = 6;  // 2 + the 4-byte key: the payload is under 126 bytes
    const size_t second = header + c.part1.size(), third = second + c.part2.size();
    return {frame.substr(0, second), frame.substr(second, third - second), frame.substr(third)};
}

TEST(WsSession, Autobahn_6_4_3_InvalidSecondChopOfOneFrameFailsFast) { expect_fail_fast(chopped_frame(k641)); }

TEST(WsSession, Autobahn_6_4_4_InvalidByteAloneInSecondChopOfOneFrameFailsFast) {
    expect_fail_fast(chopped_frame(k642));
}

TEST(WsSession, TextCheckedAcrossReadsStillEchoesExactly) {
    // A long valid text frame in many reads is checked piece by piece and
    // echoed once, whole, with multi-byte characters cut at every place.
    std::string text;
    for (int i = 0; text.size() < 900; ++i) text += i % 3 == 0 ? "\xf0\x9f\x98\x80" : i % 3 == 1 ? "\xc3\xa9" : "z";
    expect_every_split(client_frame(0x81, text) + client_frame(0x81, "next"),
                       echoed(server_frame(Opcode::text, text) + server_frame(Opcode::text, "next")));
}

// ---- close codes ---------------------------------------------------------------

TEST(WsSession, ValidCloseCodesAreAnsweredWithTheSameCode) {
    for (uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999}) {
        const std::string payload = websocket::close_payload(code, "bye \xc3\xa9");
        expect_every_split(client_frame(0x88, payload) + client_frame(0x81, "after"), closed_with(server_close(code)));
    }
    // An empty close (no status) is answered with an empty close.
    expect_every_split(client_frame(0x88, ""), closed_with("\x88\x00"s));
}

TEST(WsSession, InvalidCloseCodesFail1002) {
    const std::vector<std::pair<uint16_t, std::string>> cases = {
        {0, "close code below 1000 is not used"},
        {999, "close code below 1000 is not used"},
        {1004, "close code 1004-1006 or 1015 is reserved, never sent"},
        {1005, "close code 1004-1006 or 1015 is reserved, never sent"},
        {1006, "close code 1004-1006 or 1015 is reserved, never sent"},
        {1015, "close code 1004-1006 or 1015 is reserved, never sent"},
        {1016, "close code 1016-2999 is not assigned"},
        {2999, "close code 1016-2999 is not assigned"},
        {5000, "close code 5000 or above is out of range"},
        {65535, "close code 5000 or above is out of range"},
    };
    for (const auto& [code, problem] : cases) {
        const std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
        expect_every_split(client_frame(0x88, payload), closed_with(server_close(1002, problem)));
    }
    expect_every_split(client_frame(0x88, "\x03"),
                       closed_with(server_close(1002, "close payload of 1 byte (a status code takes 2)")));
    expect_every_split(client_frame(0x88, "\x03\xe8\xff"), closed_with(server_close(1007, "close reason is not valid UTF-8")));
}

// ---- streaming -----------------------------------------------------------------

TEST(WsSession, LargeBinaryFrameIsEchoedAsItArrives) {
    const std::string payload = pattern(70'000);
    const std::string frame = client_frame(0x82, payload);
    const std::string echo = server_frame(Opcode::binary, payload);
    app::WsConfig config = session_test::test_config();
    config.max_message = 1 << 20;
    SessionHost host(config);
    ASSERT_TRUE(host.open());
    host.feed(frame.substr(0, 1000));  // 14 header bytes, 986 of payload
    EXPECT_EQ(host.output(), echo.substr(0, 10 + 986));
    EXPECT_EQ(host.pending(), 0u);  // nothing is kept: the payload passed through
    host.feed(frame.substr(1000, 30'001));
    EXPECT_TRUE(host.output() == echo.substr(0, 10 + 986 + 30'001));
    host.feed(frame.substr(31'001) + client_frame(0x81, "after"));
    EXPECT_TRUE(host.output() == echo + server_frame(Opcode::text, "after"));
    EXPECT_FALSE(host.closed());
    // The same bytes come out however the frame is cut (a smaller one, cut everywhere).
    expect_every_split(client_frame(0x82, pattern(300)) + client_frame(0x89, "p"),
                       echoed(server_frame(Opcode::binary, pattern(300)) + server_frame(Opcode::pong, "p")));
}

TEST(WsSession, FrameWhoseEchoDoesNotFitTheOutputRoomIsBufferedWhole) {
    SessionHost host;
    ASSERT_TRUE(host.open());
    host.link().max_output_ = 100;
    const std::string frame = client_frame(0x82, pattern(300));
    host.feed(frame.substr(0, 150));
    EXPECT_EQ(host.output(), "");
    EXPECT_EQ(host.link().expected_input_, frame.size());
    host.feed(frame.substr(150));
    EXPECT_EQ(host.output(), server_frame(Opcode::binary, pattern(300)));
}

// ---- deadlines and shutdown ------------------------------------------------------

TEST(WsSession, ShutdownMidStreamClosesOnceTheFrameEnds) {
    const std::string frame = client_frame(0x82, pattern(300));
    for (size_t cut = 8; cut < frame.size(); ++cut) {  // past the header: the stream has begun
        SessionHost host;
        ASSERT_TRUE(host.open());
        host.feed(frame.substr(0, cut));
        host.shutdown();
        const std::string echo = server_frame(Opcode::binary, pattern(300));
        ASSERT_EQ(host.output(), echo.substr(0, cut - 4)) << "cut at " << cut;
        host.feed(frame.substr(cut) + client_frame(0x82, "not echoed: closing"));
        ASSERT_EQ(host.output(), echo + server_close(1001, "server shutting down")) << "cut at " << cut;
        EXPECT_FALSE(host.closed());
        // The peer's answer ends it, with nothing more from us.
        host.feed(client_frame(0x88, "\x03\xe9"));
        EXPECT_TRUE(host.closed());
        EXPECT_EQ(host.output(), echo + server_close(1001, "server shutting down"));
    }
}

TEST(WsSession, ShutdownWhenIdleSaysGoodbyeAndWaitsForTheAnswer) {
    SessionHost host;
    ASSERT_TRUE(host.open());
    host.shutdown();
    EXPECT_EQ(host.take_output(), server_close(1001, "server shutting down"));
    EXPECT_EQ(host.deadline(), host.link().now_ + session_test::test_config().close_timeout_ms);
    host.feed(client_frame(0x89, "still"));  // pings are answered until the peer's close
    EXPECT_EQ(host.take_output(), server_frame(Opcode::pong, "still"));
    host.expire();  // no answer in time: dropped
    EXPECT_TRUE(host.aborted());
}

TEST(WsSession, IdleClientIsPingedThenClosedWithoutAnAnswer) {
    SessionHost host;
    ASSERT_TRUE(host.open());
    host.expire();
    EXPECT_EQ(host.take_output(), "\x89\x00"s);
    host.expire();
    EXPECT_EQ(host.output(), server_close(1001, "no answer to ping"));
    EXPECT_TRUE(host.closed());
}

TEST(WsSession, AnyInputAnswersAPing) {
    SessionHost host;
    ASSERT_TRUE(host.open());
    host.expire();
    EXPECT_EQ(host.take_output(), "\x89\x00"s);
    host.feed(client_frame(0x8a, ""));
    EXPECT_EQ(host.deadline(), host.link().now_ + session_test::test_config().ping_interval_ms);
    host.expire();
    EXPECT_EQ(host.output(), "\x89\x00"s);  // a new ping, not a close
    EXPECT_FALSE(host.closed());
}

TEST(WsSession, HandshakeTimeoutAnswers408) {
    SessionHost host;
    host.feed("GET / HTTP/1.1\r\n");
    host.expire();
    EXPECT_TRUE(host.closed());
    EXPECT_EQ(host.output().substr(0, 25), "HTTP/1.1 408 Request Time");
}

}  // namespace

// ---- GET /healthz --------------------------------------------------------------

constexpr std::string_view kHealthz = "GET /healthz HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";

struct HealthFixture {
    app::WsHealth health{"server-1", "0123456789abcdef0123456789abcdef", 1'000'000 - 1500};
    app::WsConfig config = [this] {
        app::WsConfig c = session_test::test_config();
        c.health = &health;
        return c;
    }();
};

std::string healthz_answer(std::string_view body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n" + std::string(body);
}

TEST(WsSession, HealthzAnswersWithTheCountersAndCloses) {
    HealthFixture f;
    const std::string expected = healthz_answer(
        R"({"id":"server-1","instance":"0123456789abcdef0123456789abcdef","connections":0,"messages":0,"uptimeMs":1500})");
    for (size_t cut = 0; cut <= kHealthz.size(); ++cut) {
        SessionHost host(f.config);
        host.feed_cut(kHealthz, {cut});
        ASSERT_EQ(host.output(), expected) << "cut at " << cut;
        EXPECT_TRUE(host.closed());
    }
    SessionHost queried(f.config);
    queried.feed("GET /healthz?from=registry-http HTTP/1.0\r\nHost: [::1]\r\n\r\n");
    EXPECT_EQ(queried.output(), expected);
}

TEST(WsSession, HealthzCountsOpenConnectionsAndEchoedMessages) {
    HealthFixture f;
    auto healthz = [&] {
        SessionHost probe(f.config);
        probe.feed(kHealthz);
        return probe.output();
    };
    SessionHost first(f.config), second(f.config), refused(f.config);
    ASSERT_TRUE(first.open());
    ASSERT_TRUE(second.open());
    refused.feed("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");  // no upgrade: 400, never open
    // Text, binary, a fragmented message (one), a binary frame echoed as it
    // arrives (one); pings and pongs are no messages.
    first.feed(client_frame(0x81, "a") + client_frame(0x82, "b") + client_frame(0x89, "ping") +
               client_frame(0x01, "c") + client_frame(0x80, "d") + client_frame(0x8A, ""));
    const std::string streamed = client_frame(0x82, pattern(500));
    second.feed(streamed.substr(0, 100));
    second.feed(streamed.substr(100));
    EXPECT_EQ(healthz(), healthz_answer(
        R"({"id":"server-1","instance":"0123456789abcdef0123456789abcdef","connections":2,"messages":4,"uptimeMs":1500})"));
    // One closes (the close handshake), one is dropped: none left.
    first.feed(client_frame(0x88, "\x03\xe8"s));
    EXPECT_TRUE(first.closed());
    EXPECT_EQ(f.health.connections, 1);
    second.destroy();
    EXPECT_EQ(f.health.connections, 0);
    EXPECT_EQ(f.health.messages, 4);
}

TEST(WsSession, HealthzKeepsTheHostRuleAndTheOwnerCheck) {
    HealthFixture f;
    SessionHost foreign(f.config);
    foreign.feed("GET /healthz HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
    const std::string body = "403 Forbidden: Host 'attacker.example' is not a loopback name\n";
    EXPECT_EQ(foreign.output(), "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    EXPECT_TRUE(foreign.closed());

    SessionHost stranger(f.config, "connection from uid 1001, not this server's user");
    stranger.feed(kHealthz);
    const std::string refusal = "403 Forbidden: connection from uid 1001, not this server's user\n";
    EXPECT_EQ(stranger.output(), "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                                     std::to_string(refusal.size()) + "\r\nConnection: close\r\n\r\n" + refusal);
}

TEST(WsSession, OtherRequestsKeepTheirAnswers) {
    HealthFixture f;
    auto answer = [](const app::WsConfig& config, std::string_view request) {
        SessionHost host(config);
        host.feed(request);
        return host.output();
    };
    const std::string no_upgrade = "400 Bad Request: missing 'Upgrade: websocket'\n";
    const std::string refused_400 = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                    "Content-Length: " + std::to_string(no_upgrade.size()) +
                                    "\r\nConnection: close\r\n\r\n" + no_upgrade;
    EXPECT_EQ(answer(f.config, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"), refused_400);
    EXPECT_EQ(answer(f.config, "GET /healthzz HTTP/1.1\r\nHost: localhost\r\n\r\n"), refused_400);
    // Without a WsHealth (tests, other embedders) /healthz is one more request without an upgrade.
    EXPECT_EQ(answer(session_test::test_config(), kHealthz), refused_400);
    const std::string not_get = "405 Method Not Allowed: a WebSocket handshake must be a GET\n";
    EXPECT_EQ(answer(f.config, "HEAD /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"),
              "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                  std::to_string(not_get.size()) + "\r\nConnection: close\r\nAllow: GET\r\n\r\n" + not_get);
    // An upgrade to /healthz is an upgrade, as to any path.
    std::string upgrade(session_test::kUpgrade);
    upgrade.replace(0, 5, "GET /healthz");
    EXPECT_EQ(answer(f.config, upgrade), session_test::kUpgraded);
    EXPECT_EQ(f.health.connections, 0);  // that session has ended
}
