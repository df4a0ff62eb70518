// ws-server end to end: the real binary on port 0 with a temporary registry,
// spoken to over loopback sockets. Assertions are on exact bytes, status codes,
// close codes and file contents.
#include <signal.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "harness.h"
#include "json/reader.h"
#include "loop/event_loop.h"

using namespace harness;

namespace {

class WsServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<WsServer>(start_ws_server(registry_path()));
        ASSERT_NE(server_->port, 0) << server_->process.stderr_text();
    }
    std::string registry_path() const { return dir_.file("servers.json"); }
    uint16_t port() const { return server_->port; }

    TempDir dir_;
    std::unique_ptr<WsServer> server_;
};

std::string send_handshake(uint16_t port, const std::string& request) {
    UniqueFd fd = connect_to(port);
    EXPECT_TRUE(send_all(fd.get(), request));
    return recv_http_response(fd.get());
}

std::string frame_bytes(uint8_t opcode, size_t size) {
    std::string payload(size, '\0');
    for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(opcode == 1 ? 'a' + i % 26 : i * 7);
    return payload;
}

uint16_t close_code_after(uint16_t port, const std::string& bytes, std::string* reason = nullptr) {
    UniqueFd fd = ws_connect(port);
    EXPECT_TRUE(fd);
    EXPECT_TRUE(send_all(fd.get(), bytes));
    uint16_t code = read_close_code(fd.get(), reason);
    EXPECT_TRUE(wait_closed(fd.get()));
    return code;
}

TEST_F(WsServerTest, HandshakeAnswersTheRfcExample) {
    std::string response = send_handshake(port(), upgrade_request(port()));
    EXPECT_EQ(response,
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST_F(WsServerTest, PermessageDeflateOfferIsDeclined) {
    std::string response = send_handshake(
        port(), upgrade_request(port(), "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    EXPECT_EQ(http_status(response), 101);
    EXPECT_EQ(response.find("Sec-WebSocket-Extensions"), std::string::npos);
}

struct BadHandshake {
    const char* name;
    std::string request;
    int status;
    const char* body_has;
};

TEST_F(WsServerTest, BadHandshakesGetTheirStatus) {
    std::string p = std::to_string(port());
    std::string base = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + p + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    std::string key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const BadHandshake cases[] = {
        {"no key", base + "Sec-WebSocket-Version: 13\r\n\r\n", 400, "missing Sec-WebSocket-Key"},
        {"short key", base + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n", 400,
         "not 16 bytes"},
        {"no upgrade", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, "Upgrade: websocket"},
        {"version 8", base + key + "Sec-WebSocket-Version: 8\r\n\r\n", 426, "'8' is not supported"},
        {"no version", base + key + "\r\n", 400, "missing Sec-WebSocket-Version"},
        {"POST", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 405, "must be a GET"},
        {"foreign origin", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n", 403,
         "Origin 'http://evil.example' is not allowed"},
        {"null origin", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: null\r\n\r\n", 403, "'null'"},
        {"foreign host",
         "GET / HTTP/1.1\r\nHost: attacker.example:" + p +
             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + key + "Sec-WebSocket-Version: 13\r\n\r\n",
         403, "is not a loopback name"},
        {"header without colon", "GET / HTTP/1.1\r\nHost: localhost\r\nBroken header\r\n\r\n", 400, "line"},
        {"HTTP/1.0", "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n", 400, "HTTP/1.1"},
    };
    for (const BadHandshake& c : cases) {
        std::string response = send_handshake(port(), c.request);
        EXPECT_EQ(http_status(response), c.status) << c.name << "\n" << response;
        EXPECT_NE(http_body(response).find(c.body_has), std::string::npos) << c.name << "\n" << response;
        EXPECT_NE(http_body(response).find(std::to_string(c.status)), std::string::npos) << c.name;
    }
}

TEST_F(WsServerTest, Version426NamesVersion13) {
    std::string request = upgrade_request(port());
    request.replace(request.find("Version: 13"), 11, "Version: 14");
    std::string response = send_handshake(port(), request);
    EXPECT_EQ(http_status(response), 426);
    EXPECT_NE(response.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos) << response;
}

TEST_F(WsServerTest, LoopbackOriginIsAccepted) {
    std::string response = send_handshake(port(), upgrade_request(port(), "Origin: http://localhost:5173\r\n"));
    EXPECT_EQ(http_status(response), 101);
}

TEST_F(WsServerTest, OversizedHandshakeGets431) {
    std::string huge = upgrade_request(port(), "X-Filler: " + std::string(20000, 'x') + "\r\n");
    std::string response = send_handshake(port(), huge);
    EXPECT_EQ(http_status(response), 431) << response;
}

TEST_F(WsServerTest, EchoesEveryPayloadLengthEncoding) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(fd);
    for (uint8_t opcode : {1, 2}) {
        for (size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
            std::string payload = frame_bytes(opcode, size);
            ASSERT_TRUE(send_all(fd.get(), masked_frame(0x80 | opcode, payload)));
            Frame echo = read_frame(fd.get());
            ASSERT_TRUE(echo.ok) << size;
            EXPECT_TRUE(echo.fin);
            EXPECT_EQ(echo.opcode, opcode) << size;
            EXPECT_EQ(echo.payload.size(), size);
            EXPECT_TRUE(echo.payload == payload) << "payload differs at size " << size;
        }
    }
}

TEST_F(WsServerTest, FragmentedMessageWithPingsBetween) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(fd);
    std::string bytes = masked_frame(0x01, "Hel") + masked_frame(0x89, "ping-1") + masked_frame(0x00, "lo, ") +
                        masked_frame(0x89, "ping-2") + masked_frame(0x80, "world");
    // Fed one byte at a time: the server must reassemble across reads.
    for (char c : bytes) ASSERT_TRUE(send_all(fd.get(), std::string(1, c)));
    Frame pong1 = read_frame(fd.get()), pong2 = read_frame(fd.get()), echo = read_frame(fd.get());
    EXPECT_EQ(pong1.opcode, 0xA);
    EXPECT_EQ(pong1.payload, "ping-1");
    EXPECT_EQ(pong2.opcode, 0xA);
    EXPECT_EQ(pong2.payload, "ping-2");
    EXPECT_EQ(echo.opcode, 1);
    EXPECT_TRUE(echo.fin);
    EXPECT_EQ(echo.payload, "Hello, world");
}

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

// Unmasked server frames from `bytes`; stops at the first incomplete one.
std::vector<Frame> parse_frames(std::string_view bytes) {
    std::vector<Frame> frames;
    size_t at = 0;
    while (bytes.size() - at >= 2) {
        const uint8_t first = static_cast<uint8_t>(bytes[at]), second = static_cast<uint8_t>(bytes[at + 1]);
        size_t header = 2, length = second & 0x7f;
        if (second & 0x80) break;  // a server must not mask
        if (length >= 126) {
            size_t length_size = length == 126 ? 2 : 8;
            if (bytes.size() - at < 2 + length_size) break;
            length = 0;
            for (size_t i = 0; i < length_size; ++i) length = (length << 8) | static_cast<uint8_t>(bytes[at + 2 + i]);
            header += length_size;
        }
        if (bytes.size() - at - header < length) break;
        frames.push_back({static_cast<uint8_t>(first & 0x0f), (first & 0x80) != 0,
                          std::string(bytes.substr(at + header, length)), true});
        at += header + length;
    }
    return frames;
}

std::string serialize(const std::vector<Frame>& frames) {
    std::string bytes;
    for (const Frame& f : frames) {
        uint8_t header[10];
        size_t n = 2;
        header[0] = static_cast<uint8_t>((f.fin ? 0x80 : 0) | f.opcode);
        if (f.payload.size() < 126) {
            header[1] = static_cast<uint8_t>(f.payload.size());
        } else {
            size_t length_size = f.payload.size() <= 0xffff ? 2 : 8;
            header[1] = length_size == 2 ? 126 : 127;
            for (size_t i = 0; i < length_size; ++i)
                header[2 + i] = static_cast<uint8_t>(uint64_t{f.payload.size()} >> (8 * (length_size - 1 - i)));
            n += length_size;
        }
        bytes.append(reinterpret_cast<const char*>(header), n);
        bytes += f.payload;
    }
    return bytes;
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
    std::vector<Frame> got = parse_frames(received);
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
    EXPECT_EQ(received.size(), serialize(expected).size()) << label << ": bytes after the last whole frame";
}

TEST_F(WsServerTest, ManyFramesInOneWriteAreEchoedInOrder) {
    const FrameStream stream = many_frames();
    ASSERT_LT(stream.bytes.size(), 2u << 20);
    ASSERT_GT(stream.replies.size(), 340u);
    std::string received = exchange(port(), stream.bytes, 0);
    expect_replies(received, stream.replies, "one write");
    EXPECT_TRUE(received == serialize(stream.replies));
}

TEST_F(WsServerTest, ManyFramesSplitAnywhereAreEchoedTheSame) {
    const FrameStream stream = many_frames();
    const std::string expected = serialize(stream.replies);
    for (size_t piece : {1, 7, 4096}) {
        std::string label = "pieces of " + std::to_string(piece);
        std::string received = exchange(port(), stream.bytes, piece);
        expect_replies(received, stream.replies, label);
        EXPECT_TRUE(received == expected) << label;
    }
}

// ---- streaming: a binary message in one frame is echoed while it arrives ----

std::string echo_of(uint8_t opcode, const std::string& payload) { return serialize({{opcode, true, payload, true}}); }

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

// Everything the server sends until it closes the connection (EOF or reset);
// `closed` is false when the bound passed first.
struct UntilClosed {
    std::string bytes;
    bool closed = false;
};
UntilClosed read_until_closed(int fd, int timeout_ms = kWaitMs) {
    UntilClosed out;
    const int64_t deadline = loop::monotonic_ms() + timeout_ms;
    char chunk[4096];
    while (true) {
        const int64_t left = deadline - loop::monotonic_ms();
        pollfd p{fd, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return out;
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            out.closed = true;
            return out;
        }
        if (n < 0) return out;
        out.bytes.append(chunk, static_cast<size_t>(n));
    }
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
    EXPECT_NE(err.find("client stalled inside a frame; closing"), std::string::npos) << err;
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

TEST_F(WsServerTest, CloseHandshakeEchoesTheCode) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x88, std::string("\x03\xe8", 2) + "bye")));
    Frame reply = read_frame(fd.get());
    EXPECT_EQ(reply.opcode, 8);
    EXPECT_EQ(reply.payload, std::string("\x03\xe8", 2));
    EXPECT_TRUE(wait_closed(fd.get()));
}

TEST_F(WsServerTest, EmptyCloseIsAnsweredEmpty) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x88, "")));
    Frame reply = read_frame(fd.get());
    EXPECT_EQ(reply.opcode, 8);
    EXPECT_EQ(reply.payload, "");
    EXPECT_TRUE(wait_closed(fd.get()));
}

struct BadFrame {
    const char* name;
    std::string bytes;
    uint16_t code;
};

TEST_F(WsServerTest, ProtocolViolationsCloseWithTheirCode) {
    std::string unmasked = std::string("\x81\x02hi", 4);
    const BadFrame cases[] = {
        {"unmasked", unmasked, 1002},
        {"RSV1", masked_frame(0xC1, "hi"), 1002},
        {"opcode 3", masked_frame(0x83, "hi"), 1002},
        {"fragmented ping", masked_frame(0x09, "hi"), 1002},
        {"continuation first", masked_frame(0x80, "hi"), 1002},
        {"text inside fragmented", masked_frame(0x01, "a") + masked_frame(0x81, "b"), 1002},
        {"invalid utf-8", masked_frame(0x81, "\xff"), 1007},
        {"utf-8 split bad across fragments", masked_frame(0x01, "\xed") + masked_frame(0x80, "\xa0\x80"), 1007},
        {"utf-8 truncated at end", masked_frame(0x81, "\xe2\x82"), 1007},
        {"close code 1005", masked_frame(0x88, std::string("\x03\xed", 2)), 1002},
        {"close code 999", masked_frame(0x88, std::string("\x03\xe7", 2)), 1002},
        {"close one byte", masked_frame(0x88, "\x03"), 1002},
        {"close bad utf-8 reason", masked_frame(0x88, std::string("\x03\xe8\xff", 3)), 1007},
    };
    for (const BadFrame& c : cases) EXPECT_EQ(close_code_after(port(), c.bytes), c.code) << c.name;
}

TEST_F(WsServerTest, ServerKeepsServingAfterABadClient) {
    EXPECT_EQ(close_code_after(port(), std::string("\x81\x02hi", 4)), 1002);
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x81, "still here")));
    EXPECT_EQ(read_frame(fd.get()).payload, "still here");
}

TEST(WsServerLimits, OversizeMessageCloses1009) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--max-message", "1KiB"});
    ASSERT_NE(server.port, 0);
    EXPECT_EQ(close_code_after(server.port, masked_frame(0x82, std::string(1025, 'x'))), 1009);
    EXPECT_EQ(close_code_after(server.port, masked_frame(0x02, std::string(1000, 'x')) +
                                                masked_frame(0x80, std::string(100, 'x'))),
              1009);
    UniqueFd fd = ws_connect(server.port);
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x82, std::string(1024, 'x'))));
    EXPECT_EQ(read_frame(fd.get()).payload.size(), 1024u);
}

TEST(WsServerLimits, HandshakeTimeoutAnswers408) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--handshake-timeout", "50ms"});
    UniqueFd fd = connect_to(server.port);
    ASSERT_TRUE(send_all(fd.get(), "GET / HTTP/1.1\r\n"));
    std::string response = recv_http_response(fd.get());
    EXPECT_EQ(http_status(response), 408) << response;
    EXPECT_TRUE(wait_closed(fd.get()));
}

TEST(WsServerLimits, SilentClientIsPingedThenClosed) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--ping-interval", "50ms"});
    UniqueFd fd = ws_connect(server.port);
    Frame ping = read_frame(fd.get());
    EXPECT_EQ(ping.opcode, 9);
    std::string reason;
    EXPECT_EQ(read_close_code(fd.get(), &reason), 1001);
    EXPECT_EQ(reason, "no answer to ping");
}

TEST(WsServerLimits, ClientThatNeverReadsDoesNotStallOthers) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--max-output", "64KiB"});
    UniqueFd hog = ws_connect(server.port);
    ASSERT_TRUE(hog);
    // Shrink the hog's receive buffer so its backlog builds up on the server.
    int small = 4096;
    ::setsockopt(hog.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ::fcntl(hog.get(), F_SETFL, O_NONBLOCK);
    std::string frame = masked_frame(0x82, std::string(60000, 'h'));
    size_t sent = 0;
    for (int i = 0; i < 2000; ++i) {  // until the server stops reading the hog
        ssize_t n = ::send(hog.get(), frame.data(), frame.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
    }
    EXPECT_LT(sent, 2000u * frame.size()) << "the server never stopped reading the hog";
    UniqueFd good = ws_connect(server.port);
    ASSERT_TRUE(good);
    for (int i = 0; i < 100; ++i) {
        std::string text = "message " + std::to_string(i);
        ASSERT_TRUE(send_all(good.get(), masked_frame(0x81, text)));
        ASSERT_EQ(read_frame(good.get()).payload, text);
    }
}

TEST_F(WsServerTest, SigtermClosesClientsWith1001AndUnregisters) {
    UniqueFd a = ws_connect(port()), b = ws_connect(port());
    ASSERT_TRUE(a && b);
    server_->process.signal(SIGTERM);
    std::string reason;
    EXPECT_EQ(read_close_code(a.get(), &reason), 1001);
    EXPECT_EQ(reason, "server shutting down");
    ASSERT_TRUE(send_all(a.get(), masked_frame(0x88, std::string("\x03\xe9", 2))));
    EXPECT_EQ(read_close_code(b.get()), 1001);  // b never answers: the close timeout ends it
    EXPECT_TRUE(wait_closed(a.get()));
    EXPECT_EQ(server_->process.wait_exit(), 0);
    EXPECT_EQ(read_file(registry_path()), "{\n  \"servers\": []\n}\n");
}

TEST_F(WsServerTest, SigtermDuringAHandshakeStillStopsCleanly) {
    UniqueFd idle = connect_to(port());  // a port probe: connected, never speaks
    UniqueFd half = connect_to(port());
    ASSERT_TRUE(send_all(half.get(), "GET / HTTP/1.1\r\nHost: localhost\r\n"));
    UniqueFd open = ws_connect(port());
    server_->process.signal(SIGTERM);
    EXPECT_EQ(read_close_code(open.get()), 1001);
    ASSERT_TRUE(send_all(open.get(), masked_frame(0x88, std::string("\x03\xe9", 2))));
    EXPECT_TRUE(wait_closed(idle.get()));
    EXPECT_EQ(server_->process.wait_exit(), 0);
    EXPECT_EQ(read_file(registry_path()), "{\n  \"servers\": []\n}\n");
}

TEST_F(WsServerTest, PingsAreAnsweredUntilTheClientsClose) {
    UniqueFd fd = ws_connect(port());
    server_->process.signal(SIGTERM);
    EXPECT_EQ(read_close_code(fd.get()), 1001);
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x89, "still there?")));
    Frame pong = read_frame(fd.get());
    EXPECT_EQ(pong.opcode, 0xA);
    EXPECT_EQ(pong.payload, "still there?");
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x88, std::string("\x03\xe8", 2))));
    EXPECT_TRUE(wait_closed(fd.get()));
    EXPECT_EQ(server_->process.wait_exit(), 0);
}

TEST_F(WsServerTest, RegistryEntryHasEveryField) {
    auto doc = json::parse(read_file(registry_path()));
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    const auto& servers = doc.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 1u);
    const json::Value& entry = servers[0];
    EXPECT_EQ(entry.find("id")->as_string(), server_->id);
    EXPECT_EQ(entry.find("port")->as_int(), port());
    EXPECT_EQ(entry.find("url")->as_string(), "ws://localhost:" + std::to_string(port()));
    EXPECT_EQ(entry.find("pid")->as_int(), server_->process.pid());
    EXPECT_EQ(entry.find("startedAt")->as_string().size(), 24u);
    struct stat st {};
    ASSERT_EQ(::stat(registry_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(WsServerRegistry, FiftyServersStartAndStop) {
    TempDir dir;
    std::string registry = dir.file("servers.json");
    std::vector<Process> starting;
    for (int i = 0; i < 50; ++i)
        starting.emplace_back(bin("ws-server"), std::vector<std::string>{"--registry", registry});
    std::vector<uint16_t> ports;
    for (Process& p : starting) {
        auto line = p.wait_for_line("listening on port");
        ASSERT_TRUE(line) << p.stderr_text();
        ports.push_back(static_cast<uint16_t>(std::stoi(line->substr(line->rfind(' ') + 1))));
    }
    auto doc = json::parse(read_file(registry));
    ASSERT_TRUE(doc.ok());
    const auto& servers = doc.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 50u);
    for (const json::Value& entry : servers) {
        for (const char* field : {"id", "port", "url", "pid", "startedAt"}) EXPECT_NE(entry.find(field), nullptr);
        EXPECT_NE(std::find(ports.begin(), ports.end(), *entry.find("port")->as_int()), ports.end());
    }
    for (size_t i = 0; i < starting.size(); ++i) starting[i].signal(i % 2 ? SIGINT : SIGTERM);
    for (Process& p : starting) EXPECT_EQ(p.wait_exit(), 0);
    EXPECT_EQ(read_file(registry), "{\n  \"servers\": []\n}\n");
}

TEST(WsServerRegistry, KilledServerIsDroppedByTheNextStart) {
    TempDir dir;
    std::string registry = dir.file("servers.json");
    WsServer victim = start_ws_server(registry);
    ASSERT_NE(victim.port, 0);
    victim.process.signal(SIGKILL);
    victim.process.wait_exit();
    WsServer next = start_ws_server(registry);
    auto doc = json::parse(read_file(registry));
    ASSERT_TRUE(doc.ok());
    const auto& servers = doc.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 1u);
    EXPECT_EQ(servers[0].find("id")->as_string(), next.id);
}

TEST(WsServerRegistry, CorruptRegistryIsMovedAsideWithLineAndColumn) {
    TempDir dir;
    std::string registry = dir.file("servers.json");
    std::string corrupt = "{\n  \"servers\": [\n    {\"port\": 1,}\n  ]\n}\n";
    write_file(registry, corrupt);
    WsServer server = start_ws_server(registry);
    ASSERT_NE(server.port, 0);
    server.process.signal(SIGTERM);
    server.process.wait_exit();
    std::string err = server.process.stderr_text();
    EXPECT_NE(err.find("line 3, column"), std::string::npos) << err;
    std::vector<std::string> aside;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        if (e.path().filename().string().rfind("servers.json.corrupt-", 0) == 0) aside.push_back(e.path());
    ASSERT_EQ(aside.size(), 1u);
    EXPECT_EQ(read_file(aside[0]), corrupt);
    EXPECT_NE(err.find(aside[0]), std::string::npos) << err;
}

TEST(WsServerRegistry, DuplicateIdIsRefused) {
    TempDir dir;
    WsServer first = start_ws_server(dir.file("servers.json"), {"--id", "yjs-sync"});
    ASSERT_EQ(first.id, "yjs-sync");
    Process second(bin("ws-server"), {"--registry", dir.file("servers.json"), "--id", "yjs-sync"});
    EXPECT_EQ(second.wait_exit(), 1);
    EXPECT_NE(second.stderr_text().find("id 'yjs-sync' is already registered by pid " +
                                        std::to_string(first.process.pid())),
              std::string::npos);
    auto doc = json::parse(read_file(dir.file("servers.json")));
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc.value().find("servers")->as_array().size(), 1u);
}

TEST(WsServerCommandLine, BadFlagExits2WithUsage) {
    Process p(bin("ws-server"), {"--port", "notaport"});
    EXPECT_EQ(p.wait_exit(), 2);
    std::string err = p.stderr_text();
    EXPECT_NE(err.find("--port: 'notaport' is not a number"), std::string::npos) << err;
    EXPECT_NE(err.find("Usage: ws-server"), std::string::npos);
}

TEST(WsServerCommandLine, HelpListsTheLimits) {
    Process p(bin("ws-server"), {"--help"});
    EXPECT_EQ(p.wait_exit(), 0);
    std::string out = p.stdout_text();
    for (const char* flag : {"--max-message", "--max-header", "--max-output", "--handshake-timeout",
                             "--ping-interval", "--close-timeout", "--allow-origin", "--registry"})
        EXPECT_NE(out.find(flag), std::string::npos) << flag;
}

TEST(WsServerCommandLine, PortInUseSaysSo) {
    TempDir dir;
    WsServer first = start_ws_server(dir.file("servers.json"));
    Process second(bin("ws-server"),
                   {"--registry", dir.file("servers.json"), "--port", std::to_string(first.port)});
    EXPECT_EQ(second.wait_exit(), 1);
    EXPECT_NE(second.stderr_text().find("Address already in use"), std::string::npos);
}

}  // namespace
