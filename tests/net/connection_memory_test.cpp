// net::Connection's input buffer grows with the bytes that arrive, never with
// what the protocol expects (a WebSocket header can announce 16 MiB and send
// one byte), and a growth it cannot have goes to the protocol as
// on_memory_short() instead of ending the process.
#include "net/connection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "loopback_server.h"

namespace {

using net_test::Client;

constexpr size_t kAnswer = 18;  // "held=" + 12 digits + "\n"

// Keeps all input and expects 16 MiB of it; answers each input with the
// bytes all buffers held while it was being handled ("held=" and 12 digits).
class Announcer final : public net::Connection {
public:
    using net::Connection::Connection;

private:
    size_t on_input(std::span<uint8_t>) noexcept override {
        std::string held = std::to_string(net::buffer_memory.held);
        held = "held=" + std::string(12 - std::min<size_t>(held.size(), 12), '0') + held + "\n";
        expect_input(16u << 20);
        write(held);
        return 0;
    }
    void on_deadline() noexcept override {}
    void on_memory_short(net::Shortage why) noexcept override {
        write(why == net::Shortage::limit ? "short: limit\n" : "short: system\n");
        close_after_flush();
    }
};

TEST(ConnectionMemory, ExpectedInputIsNotReservedBeforeItArrives) {
    const size_t held_before = net::buffer_memory.held;
    std::string heard = net_test::talk<Announcer>([](uint16_t port) {
        Client client(port);
        client.send("0123456789");  // kept: 512 bytes
        std::string got = client.receive(kAnswer);
        client.send("x");  // the read for it may ask 4 KiB, not 16 MiB
        got += client.receive(kAnswer);
        return got;
    });
    // Each answer: what the buffers held while the input was handled (the
    // answer's own output buffer is freed once sent).
    ASSERT_EQ(heard.size(), 2 * kAnswer) << heard;
    ASSERT_EQ(heard.substr(kAnswer, 5), "held=") << heard;
    const size_t second = std::stoul(heard.substr(kAnswer + 5, 12));
    EXPECT_LE(second, held_before + 8192) << heard;  // 11 bytes waiting: an 8 KiB block at most
}

TEST(ConnectionMemory, InputPastTheMemoryLimitGoesToTheProtocol) {
    net::Limits limits;
    limits.max_memory = net::buffer_memory.held;  // no input may be kept
    std::string heard = net_test::talk<Announcer>([](uint16_t port) {
        Client client(port);
        client.send("0123456789");
        std::string got = client.receive(100);
        return got + (client.closed_by_peer() ? "<eof>" : "<open>");
    }, limits);
    net::buffer_memory.limit = net::Limits{}.max_memory;
    EXPECT_EQ(heard.substr(std::min(heard.size(), kAnswer)), "short: limit\n<eof>") << heard;
}

}  // namespace
