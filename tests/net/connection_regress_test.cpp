// Regression (found by tests/load, "broken clients"): a protocol that calls
// close_after_flush() while handling input that had to be joined with an
// earlier partial read lost its last words. close_after_flush() clears the
// input buffer, then on_readable() consumed the handled bytes from the
// now-empty buffer; its size wrapped below zero, passed max_input, and the
// connection was aborted before the goodbye was sent. Seen as a WebSocket
// close reply or a 1009 that never arrived, and an HTTP "Connection: close"
// response that was never sent, whenever the bytes came in two reads.
#include "net/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "net/listener.h"
#include "net/server.h"

namespace {

// A blocking loopback client; every wait is bounded.
class Client {
public:
    explicit Client(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fd_.reset();
    }
    void send(std::string_view bytes) {
        while (fd_ && !bytes.empty()) {
            ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return;
            bytes.remove_prefix(static_cast<size_t>(n));
        }
    }
    // Up to `n` bytes; fewer on EOF, or after 10 s of silence.
    std::string receive(size_t n) {
        std::string got;
        char chunk[256];
        while (got.size() < n && readable()) {
            ssize_t r = ::recv(fd_.get(), chunk, std::min(sizeof chunk, n - got.size()), 0);
            if (r <= 0) break;
            got.append(chunk, static_cast<size_t>(r));
        }
        return got;
    }
    bool closed_by_peer() {
        char c;
        return readable() && ::recv(fd_.get(), &c, 1, 0) <= 0;
    }

private:
    bool readable() {
        pollfd p{fd_.get(), POLLIN, 0};
        return fd_ && ::poll(&p, 1, 10'000) == 1;
    }
    UniqueFd fd_;
};

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

// Runs the server until the client thread is done.
std::string talk(const std::function<std::string(uint16_t port)>& client) {
    auto loop = loop::EventLoop::create();
    EXPECT_TRUE(loop.ok());
    auto listener = net::Listener::bind("127.0.0.1", 0);
    EXPECT_TRUE(listener.ok());
    net::Server server(loop.value(), std::move(listener.value()), net::Limits{},
                       [](net::Server& s, UniqueFd fd) -> std::unique_ptr<net::Connection> {
                           return std::make_unique<LineCloser>(s, std::move(fd));
                       });
    EXPECT_TRUE(server.start().ok());
    std::atomic<bool> done{false};
    std::string heard;
    std::thread thread([&] {
        heard = client(server.port());
        done = true;
    });
    loop.value().every(5, [&] {
        if (done) loop.value().stop();
    });
    EXPECT_TRUE(loop.value().run().ok());
    thread.join();
    return heard;
}

TEST(ConnectionRegress, GoodbyeIsSentWhenTheClosingInputCameInTwoReads) {
    std::string heard = talk([](uint16_t port) {
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
    std::string heard = talk([](uint16_t port) {
        Client client(port);
        client.send("hello\nbye\n");
        std::string got = client.receive(7);
        return got + (client.closed_by_peer() ? "<eof>" : "<open>");
    });
    EXPECT_EQ(heard, "ack\nok\n<eof>");
}

}  // namespace
