// --max-memory: all clients' buffers together. Past it, a message that needs
// buffer memory is refused with close 1013 (try again later); messages that
// need none (a whole frame in one read is echoed from where it lies) and
// messages already holding their memory go on.
#include <gtest/gtest.h>

#include <string>

#include "harness.h"

using namespace harness;

namespace {

// A fragmented binary message of `fragments` x 1000 bytes, with or without its end.
std::string fragments(int count, bool finish, char fill) {
    std::string bytes;
    for (int k = 0; k < count; ++k) {
        const bool last = finish && k == count - 1;
        bytes += masked_frame((last ? 0x80 : 0x00) | (k == 0 ? 0x02 : 0x00), std::string(1000, fill));
    }
    return bytes;
}

TEST(WsServerMemory, PastMaxMemoryNewMessagesGet1013AndTheRestIsServed) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--max-memory", "64KiB"});
    ASSERT_NE(server.port, 0) << server.process.stderr_text();

    // Within the limit: a 30,000-byte message in a 32 KiB buffer.
    UniqueFd small = ws_connect(server.port);
    ASSERT_TRUE(send_all(small.get(), fragments(30, true, 's')));
    Frame echo = read_frame(small.get());
    EXPECT_EQ(echo.opcode, 2);
    EXPECT_EQ(echo.payload, std::string(30'000, 's'));

    // Alone past it: 100,000 bytes would need a 128 KiB buffer.
    UniqueFd big = ws_connect(server.port);
    ASSERT_TRUE(send_all(big.get(), fragments(100, true, 'b')));
    std::string reason;
    EXPECT_EQ(read_close_code(big.get(), &reason), 1013);
    EXPECT_EQ(reason, "server memory limit reached; try again later");

    // One client holds all 64 KiB (60 fragments so far, one at a time so no
    // read cuts one); a new fragmented message is then refused ...
    UniqueFd holder = ws_connect(server.port);
    for (int k = 0; k < 60; ++k) {
        const std::string one = masked_frame(k == 0 ? 0x02 : 0x00, std::string(1000, 'h'));
        ASSERT_TRUE(send_all(holder.get(), one));
    }
    // A ping after them proves they were read: its pong is written only once
    // the server has parsed every byte before it. (The late client's handshake
    // alone proves nothing; the loop may read the holder's input in turns.)
    ASSERT_TRUE(send_all(holder.get(), masked_frame(0x89, "read?")));
    const Frame pong = read_frame(holder.get());
    ASSERT_EQ(pong.opcode, 0x0A);
    ASSERT_EQ(pong.payload, "read?");
    UniqueFd late = ws_connect(server.port);
    ASSERT_TRUE(late);
    ASSERT_TRUE(send_all(late.get(), fragments(2, true, 'l')));
    EXPECT_EQ(read_close_code(late.get(), &reason), 1013);
    // ... while a whole frame, which needs no buffer, is echoed ...
    UniqueFd plain = ws_connect(server.port);
    ASSERT_TRUE(send_all(plain.get(), masked_frame(0x81, "hello")));
    EXPECT_EQ(read_frame(plain.get()).payload, "hello");
    // ... and the holder's message, whose memory it has, ends and is echoed.
    ASSERT_TRUE(send_all(holder.get(), masked_frame(0x80, std::string(1000, 'h'))));
    echo = read_frame(holder.get());
    EXPECT_EQ(echo.opcode, 2);
    EXPECT_EQ(echo.payload, std::string(61'000, 'h'));
}

TEST(WsServerMemory, MaxMemoryIsCheckedOnTheCommandLine) {
    TempDir dir;
    Process p(bin("ws-server"), {"--registry", dir.file("servers.json"), "--max-memory", "1KiB"});
    EXPECT_EQ(p.wait_exit(), 2);
    const std::string err = p.stderr_text();
    EXPECT_EQ(err.substr(0, err.find('\n')), "ws-server: --max-memory: '1KiB' is less than the minimum, 64KiB") << err;
}

}  // namespace
