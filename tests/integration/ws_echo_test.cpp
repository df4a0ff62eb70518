// ws-server's echo path end to end: hundreds of frames of every length form in
// one write or cut into pieces anywhere, and the streaming of a single-frame
// binary message (echoed while it arrives), including stalls and SIGTERM
// inside a streamed frame. Handshake, close, limits, registry and command
// line are in ws_server_test.cpp; random streams in ws_echo_random_test.cpp.
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "harness.h"
#include "log_lines.h"
#include "ws_server_fixture.h"

using namespace harness;

namespace {

// A stream of many frames of every length form, with pings, unanswered pongs
// and fragmented messages between them, ending in a close; `replies` is what
// the server must send back, in order. Payloads differ per frame, so a byte
// echoed from the wrong place is seen.
struct FrameStream {
    std::string bytes;
    std::vector<Frame> replies;
};

std::string payload_of(size_t index, size_t size, bool text) {
    std::string payload(size, '\0');
    for (size_t j = 0; j < size; ++j) {
        size_t v = j * 31 + (j >> 8) * 7 + index * 101 + 17;
        payload[j] = static_cast<char>(text ? 0x20 + v % 95 : v & 0xff);  // text: printable ASCII
    }
    return payload;
}

FrameStream many_frames() {
    FrameStream s;
    uint32_t mask = 0x12345678;
    auto send = [&](uint8_t first_byte, const std::string& payload) {
        mask = mask * 1664525 + 1013904223;  // a different key for every frame
        s.bytes += masked_frame(first_byte, payload, mask);
    };
    auto reply = [&](uint8_t opcode, std::string payload) {
        s.replies.push_back({opcode, true, std::move(payload), true});
    };
    const size_t sizes[] = {0, 1, 2, 125, 126, 127, 1000, 4095, 65535, 65536};
    for (size_t k = 0; k < 300; ++k) {
        if (k == 150) {
            // Text over 8 KiB with a ping between each fragment and a UTF-8
            // character split across fragments ("\xc3" + "\xa9" is U+00E9).
            std::string first = payload_of(k, 4999, true) + "\xc3", last = payload_of(k + 1, 4000, true);
            send(0x01, first);
            send(0x89, "ping in a message");
            reply(0xA, "ping in a message");
            send(0x00, "\xa9");
            send(0x89, "");
            reply(0xA, "");
            send(0x80, last);
            reply(1, first + "\xa9" + last);
        }
        if (k == 220) {  // a small binary message, an empty middle fragment
            std::string first = payload_of(k, 3, false), last = payload_of(k + 1, 100, false);
            send(0x02, first);
            send(0x00, "");
            send(0x89, payload_of(k, 125, false));
            reply(0xA, payload_of(k, 125, false));
            send(0x80, last);
            reply(2, first + last);
        }
        // All ten sizes in every third round of ten; 200+k and 2000+k stand in
        // for 65535 and 65536 in the others, to stay under 2 MiB in all.
        size_t size = sizes[k % 10];
        if (size > 65534 && (k / 10) % 3 != 0) size = size == 65535 ? 200 + k : 2000 + k;
        uint8_t opcode = k % 2 ? 2 : 1;
        std::string payload = payload_of(k, size, opcode == 1);
        send(static_cast<uint8_t>(0x80 | opcode), payload);
        reply(opcode, payload);
        if (k % 7 == 3) {
            std::string ping = "ping " + std::to_string(k) + payload_of(k, k % 119, false);
            send(0x89, ping);
            reply(0xA, ping);
        }
        if (k % 29 == 5) send(0x8A, "unsolicited pong " + std::to_string(k));  // not answered
    }
    send(0x88, std::string("\x03\xe8", 2) + "done");
    reply(8, std::string("\x03\xe8", 2));
    return s;
}

// Sends `stream` in pieces of `piece` bytes (0: one send) while a second
// thread reads everything until the server closes. Reading concurrently
// keeps the server from pausing input for a client that does not read.
std::string exchange(uint16_t port, const std::string& stream, size_t piece) {
    UniqueFd fd = ws_connect(port);
    EXPECT_TRUE(fd);
    if (!fd) return {};
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // each piece its own segment
    auto received = std::async(std::launch::async, [&] { return recv_exact(fd.get(), SIZE_MAX, 120'000); });
    std::string_view rest = stream;
    while (!rest.empty()) {
        std::string_view part = rest.substr(0, piece ? piece : rest.size());
        if (!send_all(fd.get(), part)) break;  // the reader still ends at EOF
        rest.remove_prefix(part.size());
    }
    EXPECT_TRUE(rest.empty()) << rest.size() << " bytes not sent";
    return received.get();
}

// Compares frame by frame so a failure names the first frame that differs
// instead of printing megabytes.
void expect_replies(const std::string& received, const std::vector<Frame>& expected, const std::string& label) {
    std::vector<Frame> got = support::parse_server_frames(received);
    size_t n = std::min(got.size(), expected.size());
    for (size_t i = 0; i < n; ++i) {
        const Frame& g = got[i];
        const Frame& e = expected[i];
        if (g.opcode == e.opcode && g.fin == e.fin && g.payload == e.payload) continue;
        size_t differs = 0;
        while (differs < std::min(g.payload.size(), e.payload.size()) && g.payload[differs] == e.payload[differs])
            ++differs;
        ADD_FAILURE() << label << ": reply " << i << " of " << expected.size() << " is opcode " << int(g.opcode)
                      << " fin " << g.fin << " size " << g.payload.size() << ", expected opcode " << int(e.opcode)
                      << " fin " << e.fin << " size " << e.payload.size() << "; payloads differ from byte "
                      << differs;
        return;
    }
    EXPECT_EQ(got.size(), expected.size()) << label;
    EXPECT_EQ(received.size(), unmasked_frames(expected).size()) << label << ": bytes after the last whole frame";
}

TEST_F(WsServerTest, ManyFramesInOneWriteAreEchoedInOrder) {
    const FrameStream stream = many_frames();
    ASSERT_LT(stream.bytes.size(), 2u << 20);
    ASSERT_GT(stream.replies.size(), 340u);
    std::string received = exchange(port(), stream.bytes, 0);
    expect_replies(received, stream.replies, "one write");
    EXPECT_TRUE(received == unmasked_frames(stream.replies));
}

TEST_F(WsServerTest, ManyFramesSplitAnywhereAreEchoedTheSame) {
    const FrameStream stream = many_frames();
    const std::string expected = unmasked_frames(stream.replies);
    for (size_t piece : {1, 7, 4096}) {
        std::string label = "pieces of " + std::to_string(piece);
        std::string received = exchange(port(), stream.bytes, piece);
        expect_replies(received, stream.replies, label);
        EXPECT_TRUE(received == expected) << label;
    }
}

// ---- streaming: a binary message in one frame is echoed while it arrives ----

std::string echo_of(uint8_t opcode, const std::string& payload) {
    return unmasked_frames({{opcode, true, payload, true}});
}

// Equal, or where they first differ: megabyte strings are not printed.
::testing::AssertionResult same_bytes(const std::string& got, const std::string& expected) {
    if (got == expected) return ::testing::AssertionSuccess();
    size_t at = 0;
    while (at < std::min(got.size(), expected.size()) && got[at] == expected[at]) ++at;
    return ::testing::AssertionFailure() << "got " << got.size() << " bytes, expected " << expected.size()
                                         << "; they differ from byte " << at;
}

// Nothing has been sent to us that we have not read (the server answers a
// read's frames with one send, so after the answer to a ping sent in the same
// piece as a partial frame, anything echoed from that frame would be here).
bool nothing_waiting(int fd) {
    char c;
    return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

const std::string kClose1001 = std::string("\x03\xe9", 2) + "server shutting down";

struct StreamCase {
    const char* name;
    size_t size;                // payload bytes of the one binary frame
    std::vector<size_t> sends;  // payload bytes per send; the first goes with the header
};

// Each part is read back before the next is sent, so the echo cannot be the
// whole frame's: it has to follow the payload as it arrives. Odd parts put
// every part at a different phase of the mask key.
TEST_F(WsServerTest, BinaryFrameIsEchoedAsItArrives) {
    const StreamCase cases[] = {
        {"64-bit length, in halves", 100'000, {50'000, 50'000}},
        {"64-bit length, the header alone first", 100'000, {0, 100'000}},
        {"64-bit length, odd parts", 100'000, {1, 2, 3, 5, 12'345, 37'644, 50'000}},
        {"16-bit length", 60'000, {0, 7, 29'993, 30'000}},
        {"7-bit length", 125, {0, 1, 62, 62}},
    };
    uint32_t mask = 0x0badf00d;
    for (const StreamCase& c : cases) {
        SCOPED_TRACE(c.name);
        UniqueFd fd = ws_connect(port());
        ASSERT_TRUE(fd);
        const std::string payload = payload_of(c.size, c.size, false);
        mask = mask * 1664525 + 1013904223;  // a different key per case
        const std::string frame = masked_frame(0x82, payload, mask);
        const std::string echo = echo_of(2, payload);
        size_t sent = 0, echoed = 0;
        for (size_t i = 0; i < c.sends.size(); ++i) {
            const size_t header = i == 0 ? frame.size() - c.size : 0, echo_header = i == 0 ? echo.size() - c.size : 0;
            ASSERT_TRUE(send_all(fd.get(), frame.substr(sent, header + c.sends[i])));
            sent += header + c.sends[i];
            const std::string part = recv_exact(fd.get(), echo_header + c.sends[i]);
            ASSERT_TRUE(same_bytes(part, echo.substr(echoed, echo_header + c.sends[i]))) << "part " << i;
            echoed += part.size();
        }
        ASSERT_EQ(sent, frame.size());
        ASSERT_EQ(echoed, echo.size());
        // Then a whole frame is echoed as before.
        ASSERT_TRUE(send_all(fd.get(), masked_frame(0x82, "after")));
        Frame after = read_frame(fd.get());
        EXPECT_EQ(after.opcode, 2);
        EXPECT_EQ(after.payload, "after");
    }
}

TEST_F(WsServerTest, StreamedFrameSharesReadsWithWholeFrames) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(fd);
    const std::string big = payload_of(1, 100'000, false), small1 = payload_of(2, 300, false),
                      small2 = payload_of(3, 20, false);
    const std::string frame = masked_frame(0x82, big, 0x01020304), echo = echo_of(2, big);
    const size_t first = 14 + 20'001;
    // A whole frame, then the start of a streamed one: both in one read.
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x82, small1, 0xdeadbeef) + frame.substr(0, first)));
    std::string expected = echo_of(2, small1) + echo.substr(0, 10 + 20'001);
    ASSERT_TRUE(same_bytes(recv_exact(fd.get(), expected.size()), expected));
    // The end of the streamed frame, then whole frames after it.
    ASSERT_TRUE(send_all(fd.get(), frame.substr(first) + masked_frame(0x81, "text after") +
                                       masked_frame(0x82, small2, 0x11111111) + masked_frame(0x89, "mark")));
    expected = echo.substr(10 + 20'001) + echo_of(1, "text after") + echo_of(2, small2) + echo_of(0xA, "mark");
    ASSERT_TRUE(same_bytes(recv_exact(fd.get(), expected.size()), expected));
    EXPECT_TRUE(nothing_waiting(fd.get()));
}

// Until the header is complete nothing can be streamed; the echo must come
// out right wherever the header was cut.
TEST_F(WsServerTest, FrameCutInsideItsHeaderIsEchoedWhole) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(fd);
    for (size_t size : {100u, 300u, 70'000u}) {
        const std::string payload = payload_of(size, size, false);
        const std::string frame = masked_frame(0x82, payload, 0x9e3779b9);
        const size_t header = frame.size() - size;
        for (size_t cut = 1; cut < header; ++cut) {
            SCOPED_TRACE("size " + std::to_string(size) + ", cut after " + std::to_string(cut));
            // The pong proves the first piece was read before the rest is sent.
            ASSERT_TRUE(send_all(fd.get(), masked_frame(0x89, "mark") + frame.substr(0, cut)));
            Frame pong = read_frame(fd.get());
            ASSERT_EQ(pong.opcode, 0xA);
            ASSERT_EQ(pong.payload, "mark");
            EXPECT_TRUE(nothing_waiting(fd.get()));
            ASSERT_TRUE(send_all(fd.get(), frame.substr(cut)));
            Frame echo = read_frame(fd.get());
            ASSERT_TRUE(echo.ok);
            EXPECT_TRUE(echo.fin);
            EXPECT_EQ(echo.opcode, 2);
            EXPECT_TRUE(same_bytes(echo.payload, payload));
        }
    }
}

// Text is checked whole before any of it goes back: a frame whose second
// half is not UTF-8 gets a close 1007 and not one byte of echo.
TEST_F(WsServerTest, TextFrameIsNotStreamed) {
    std::string text = payload_of(5, 20'000, true);
    const std::string frame = masked_frame(0x81, text, 0x5a5a1234);
    const size_t half = 8 + 10'000;
    {
        UniqueFd fd = ws_connect(port());
        ASSERT_TRUE(send_all(fd.get(), masked_frame(0x89, "mark") + frame.substr(0, half)));
        Frame pong = read_frame(fd.get());
        ASSERT_EQ(pong.payload, "mark");
        EXPECT_TRUE(nothing_waiting(fd.get()));
        ASSERT_TRUE(send_all(fd.get(), frame.substr(half)));
        EXPECT_TRUE(same_bytes(read_frame(fd.get()).payload, text));
    }
    text[15'000] = '\xff';
    const std::string bad = masked_frame(0x81, text, 0x5a5a1234);
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x89, "mark") + bad.substr(0, half)));
    Frame pong = read_frame(fd.get());
    ASSERT_EQ(pong.payload, "mark");
    EXPECT_TRUE(nothing_waiting(fd.get()));
    ASSERT_TRUE(send_all(fd.get(), bad.substr(half)));
    UntilClosed rest = read_until_closed(fd.get());
    EXPECT_TRUE(rest.closed);
    EXPECT_EQ(rest.bytes, echo_of(8, std::string("\x03\xef", 2) + "text message is not valid UTF-8"));
}

// A fragmented binary message is echoed as one frame once complete, so none
// of its fragments is streamed, wherever they are cut.
TEST_F(WsServerTest, FragmentedBinaryIsNotStreamed) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(fd);
    const std::string first = payload_of(6, 3000, false), last = payload_of(7, 3000, false);
    const std::string opening = masked_frame(0x02, first, 0x0f0f0f0f), closing = masked_frame(0x80, last, 0xf0f0f0f0);
    // Each piece ends inside a fragment: the first in the opening one, the
    // second in the final one (FIN set, as a streamed frame has).
    const std::string pieces[] = {
        masked_frame(0x89, "1") + opening.substr(0, 8 + 1500),
        opening.substr(8 + 1500) + masked_frame(0x89, "2") + closing.substr(0, 8 + 1001),
    };
    for (const std::string& piece : pieces) {
        ASSERT_TRUE(send_all(fd.get(), piece));
        Frame pong = read_frame(fd.get());
        ASSERT_EQ(pong.opcode, 0xA);
        EXPECT_TRUE(nothing_waiting(fd.get())) << "after pong " << pong.payload;
    }
    ASSERT_TRUE(send_all(fd.get(), closing.substr(8 + 1001)));
    Frame echo = read_frame(fd.get());
    EXPECT_TRUE(echo.fin);
    EXPECT_EQ(echo.opcode, 2);
    EXPECT_TRUE(same_bytes(echo.payload, first + last));
}

// No close frame fits inside a frame being streamed: SIGTERM's close 1001
// follows the frame's end.
TEST_F(WsServerTest, SigtermMidStreamClosesAfterTheFrame) {
    UniqueFd streaming = ws_connect(port()), idle = ws_connect(port());
    ASSERT_TRUE(streaming && idle);
    const std::string payload = payload_of(8, 100'000, false);
    const std::string frame = masked_frame(0x82, payload, 0xcafef00d), echo = echo_of(2, payload);
    ASSERT_TRUE(send_all(streaming.get(), frame.substr(0, 14 + 50'000)));
    ASSERT_TRUE(same_bytes(recv_exact(streaming.get(), 10 + 50'000), echo.substr(0, 10 + 50'000)));
    server_->process.signal(SIGTERM);
    // The idle client's close shows the server is stopping; the streaming one
    // was told in the same pass, mid-frame.
    EXPECT_EQ(read_close_code(idle.get()), 1001);
    ASSERT_TRUE(send_all(idle.get(), masked_frame(0x88, std::string("\x03\xe9", 2))));
    EXPECT_TRUE(wait_closed(idle.get()));
    idle.reset();  // else the server lingers for it until the close timeout
    // After the frame's end, in the same piece: data (no longer echoed) and a ping.
    ASSERT_TRUE(send_all(streaming.get(),
                         frame.substr(14 + 50'000) + masked_frame(0x82, "late") + masked_frame(0x89, "still there?")));
    const std::string expected = echo.substr(10 + 50'000) + echo_of(8, kClose1001) + echo_of(0xA, "still there?");
    ASSERT_TRUE(same_bytes(recv_exact(streaming.get(), expected.size()), expected));
    ASSERT_TRUE(send_all(streaming.get(), masked_frame(0x88, std::string("\x03\xe9", 2))));
    UntilClosed rest = read_until_closed(streaming.get());
    EXPECT_TRUE(rest.closed);
    EXPECT_EQ(rest.bytes, "");
    streaming.reset();
    EXPECT_EQ(server_->process.wait_exit(), 0);
    EXPECT_EQ(read_file(registry_path()), "{\n  \"servers\": []\n}\n");
}

// Handshake and the start of a frame in one piece, so no ping can come
// before the partial echo however short the interval.
UniqueFd open_with_partial_frame(uint16_t port, const std::string& start, size_t echo_size, const std::string& echo) {
    UniqueFd fd = connect_to(port);
    EXPECT_TRUE(send_all(fd.get(), upgrade_request(port) + start));
    EXPECT_EQ(http_status(recv_http_response(fd.get())), 101);
    EXPECT_TRUE(same_bytes(recv_exact(fd.get(), echo_size), echo.substr(0, echo_size)));
    return fd;
}

// A client that stops inside a streamed frame cannot be pinged (a ping
// would land inside the echo): after two ping intervals it is dropped,
// without a ping or a close frame.
TEST(WsServerStreaming, ClientStalledInsideAStreamedFrameIsDropped) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--ping-interval", "50ms"});
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    const std::string payload = payload_of(9, 100'000, false);
    const std::string frame = masked_frame(0x82, payload, 0x7f7f0102);
    UniqueFd fd = open_with_partial_frame(server.port, frame.substr(0, 14 + 1001), 10 + 1001, echo_of(2, payload));
    UntilClosed rest = read_until_closed(fd.get());
    EXPECT_TRUE(rest.closed);
    EXPECT_EQ(rest.bytes.size(), 0u) << "first byte " << (rest.bytes.empty() ? 0 : int(uint8_t(rest.bytes[0])));
    fd.reset();
    // Others are still served.
    UniqueFd other = ws_connect(server.port);
    ASSERT_TRUE(send_all(other.get(), masked_frame(0x82, "next")));
    EXPECT_EQ(read_frame(other.get()).payload, "next");
    other.reset();
    server.process.signal(SIGTERM);
    EXPECT_EQ(server.process.wait_exit(), 0);
    const std::string err = server.process.stderr_text();
    EXPECT_TRUE(has_client_line(err, server.id, "client stalled inside a frame; closing")) << err;
}

// Stopping while a client stalls inside a streamed frame: no close frame can
// be sent, so the shutdown's grace time ends the connection, and the server
// still exits cleanly.
TEST(WsServerStreaming, SigtermWhileAClientStallsMidStream) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--close-timeout", "100ms"});
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    const std::string payload = payload_of(10, 70'000, false);
    const std::string frame = masked_frame(0x82, payload, 0x31415926);
    UniqueFd fd = open_with_partial_frame(server.port, frame.substr(0, 14 + 3), 10 + 3, echo_of(2, payload));
    server.process.signal(SIGTERM);
    UntilClosed rest = read_until_closed(fd.get());
    EXPECT_TRUE(rest.closed);
    EXPECT_EQ(rest.bytes, "");
    EXPECT_EQ(server.process.wait_exit(), 0);
    EXPECT_EQ(read_file(dir.file("servers.json")), "{\n  \"servers\": []\n}\n");
}

// A client that sends a whole message before it reads (ws.send(big), then
// ws.recv()) must get its echo. Streamed, the echo would fill the output
// allowance first, the server would stop reading mid-frame and both sides
// would wait for ever; so a frame whose echo does not fit is buffered whole.
TEST(WsServerStreaming, WholeMessageSentBeforeReadingIsEchoed) {
    TempDir dir;
    WsServer server =
        start_ws_server(dir.file("servers.json"), {"--max-output", "64KiB", "--max-message", "16MiB"});
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    UniqueFd fd = ws_connect(server.port);
    ASSERT_TRUE(fd);
    // More than the loopback socket buffers on both sides can hold.
    const std::string payload = payload_of(11, 15u << 20, false);
    const std::string frame = masked_frame(0x82, payload, 0x0badf00d);
    auto sent = std::async(std::launch::async, [&] { return send_all(fd.get(), frame); });
    if (sent.wait_for(std::chrono::milliseconds(kWaitMs)) != std::future_status::ready) {
        ::shutdown(fd.get(), SHUT_RDWR);  // unblock the sender before failing
        sent.wait();
        FAIL() << "the server stopped reading before the message was all sent";
    }
    ASSERT_TRUE(sent.get());
    Frame echo = read_frame(fd.get());
    ASSERT_TRUE(echo.ok);
    EXPECT_EQ(echo.opcode, 2);
    EXPECT_TRUE(same_bytes(echo.payload, payload));
}

}  // namespace
