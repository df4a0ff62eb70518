// net::Server on a shared loop: two servers on one loop each keep their
// connections, close them and report their shutdown (the loop holds every
// deferred close, not a single hook that the second server would take over),
// and a destroyed server leaves no timer behind that would call into it.
#include "net/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "loopback_server.h"

namespace {

using net_test::Client;

// "hello\n" -> "ack\n"; on shutdown, the default goodbye: close after flush.
class Acker final : public net::Connection {
public:
    using net::Connection::Connection;

private:
    size_t on_input(std::span<uint8_t> input) noexcept override {
        std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
        size_t used = 0;
        for (size_t nl; (nl = text.find('\n', used)) != std::string_view::npos; used = nl + 1) write("ack\n");
        return used;
    }
    void on_deadline() noexcept override {}
};

net::Server::Factory acker() {
    return [](net::Server& s, UniqueFd fd) -> std::unique_ptr<net::Connection> {
        return std::make_unique<Acker>(s, std::move(fd));
    };
}

TEST(Server, TwoServersShareOneLoopAndBothShutDown) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    auto listen_a = net::Listener::bind("127.0.0.1", 0);
    auto listen_b = net::Listener::bind("127.0.0.1", 0);
    ASSERT_TRUE(listen_a.ok() && listen_b.ok());
    net::Limits limits;
    limits.tick_ms = 5;
    net::Server a(loop.value(), std::move(listen_a.value()), limits, acker());
    net::Server b(loop.value(), std::move(listen_b.value()), limits, acker());
    ASSERT_TRUE(a.start().ok());
    ASSERT_TRUE(b.start().ok());

    std::atomic<bool> both_answered{false};
    std::string heard;
    std::thread client([&, port_a = a.port(), port_b = b.port()] {
        Client to_a(port_a), to_b(port_b);
        to_a.send("hello\n");
        to_b.send("hello\n");
        heard = to_a.receive(4) + to_b.receive(4);
        both_answered = true;
        // Each server's shutdown closes its own connection.
        heard += to_a.closed_by_peer() ? "<a closed>" : "<a open>";
        heard += to_b.closed_by_peer() ? "<b closed>" : "<b open>";
    });
    int stopped = 0, waits = 0;
    bool shutting_down = false;
    loop.value().every(5, [&] {
        if (++waits > 4000) loop.value().stop();  // bound: 20 s
        if (!both_answered || shutting_down) return;
        shutting_down = true;
        EXPECT_EQ(a.connection_count(), 1u);
        EXPECT_EQ(b.connection_count(), 1u);
        auto done = [&] {
            if (++stopped == 2) loop.value().stop();
        };
        a.shutdown(10'000, done);
        b.shutdown(10'000, done);
    });
    ASSERT_TRUE(loop.value().run().ok());
    client.join();
    EXPECT_EQ(heard, "ack\nack\n<a closed><b closed>");
    EXPECT_EQ(stopped, 2);
    EXPECT_EQ(a.connection_count(), 0u);
    EXPECT_EQ(b.connection_count(), 0u);
}

TEST(Server, DestroyedServerLeavesNoTimerBehind) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    {
        auto listener = net::Listener::bind("127.0.0.1", 0);
        ASSERT_TRUE(listener.ok());
        net::Limits limits;
        limits.tick_ms = 1;
        net::Server server(loop.value(), std::move(listener.value()), limits, acker());
        ASSERT_TRUE(server.start().ok());
    }
    // Its sweep timer, were it left, would run on a destroyed server here
    // (AddressSanitizer: heap-use-after-free... stack-use-after-scope).
    int ticks = 0;
    loop.value().every(2, [&] {
        if (++ticks == 5) loop.value().stop();
    });
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(ticks, 5);
}

}  // namespace
