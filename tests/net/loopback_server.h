// Test scaffolding for net::Connection protocols: a real Server on a
// loopback port in this thread, and a blocking client in another. Every wait
// is bounded.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "net/connection.h"
#include "net/listener.h"
#include "net/server.h"

namespace net_test {

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
        char chunk[16 * 1024];
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

// Runs a server of `Protocol` connections until `client` (run in its own
// thread with the server's port) returns; returns what it returned.
template <class Protocol>
std::string talk(const std::function<std::string(uint16_t port)>& client, net::Limits limits = {}) {
    auto loop = loop::EventLoop::create();
    EXPECT_TRUE(loop.ok());
    auto listener = net::Listener::bind("127.0.0.1", 0);
    EXPECT_TRUE(listener.ok());
    net::Server server(loop.value(), std::move(listener.value()), limits,
                       [](net::Server& s, UniqueFd fd) -> std::unique_ptr<net::Connection> {
                           return std::make_unique<Protocol>(s, std::move(fd));
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

}  // namespace net_test
