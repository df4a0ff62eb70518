// Regression (found by tests/load, "broken clients"): a protocol that calls
// close_after_flush() while handling input that had to be joined with an
// earlier partial read lost its last words. close_after_flush() clears the
// input buffer, then on_readable() consumed the handled bytes from the
// now-empty buffer; its size wrapped below zero, passed max_input, and the
// connection was aborted before the goodbye was sent. Seen as a WebSocket
// close reply or a 1009 that never arrived, and an HTTP "Connection: close"
// response that was never sent, whenever the bytes came in two reads.
#include "net/connection.h"

#include <gtest/gtest.h>

#include <string>

#include "loopback_server.h"

namespace {

using net_test::Client;

// Line protocol: "bye" -> "ok" and close after flush; any other line -> "ack".
class LineCloser final : public net::Connection {
public:
    using net::Connection::Connection;

private:
    size_t on_input(std::span<uint8_t> input) noexcept override {
        std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
        size_t used = 0;
        for (size_t nl; (nl = text.find('\n', used)) != std::string_view::npos; used = nl + 1) {
            if (text.substr(used, nl - used) == "bye") {
                write("ok\n");
                close_after_flush();
                return nl + 1;
            }
            write("ack\n");
        }
        return used;
    }
    void on_deadline() noexcept override {}
};

TEST(ConnectionRegress, GoodbyeIsSentWhenTheClosingInputCameInTwoReads) {
    std::string heard = net_test::talk<LineCloser>([](uint16_t port) {
        Client client(port);
        // "hello" is handled at once; "by" stays in the input buffer. The ack
        // proves the server has read it, so the rest arrives in a second read.
        client.send("hello\nby");
        std::string got = client.receive(4);
        client.send("e\n");
        got += client.receive(3);
        return got + (client.closed_by_peer() ? "<eof>" : "<open>");
    });
    EXPECT_EQ(heard, "ack\nok\n<eof>");
}

TEST(ConnectionRegress, GoodbyeIsSentWhenTheClosingInputCameInOneRead) {
    std::string heard = net_test::talk<LineCloser>([](uint16_t port) {
        Client client(port);
        client.send("hello\nbye\n");
        std::string got = client.receive(7);
        return got + (client.closed_by_peer() ? "<eof>" : "<open>");
    });
    EXPECT_EQ(heard, "ack\nok\n<eof>");
}

}  // namespace
