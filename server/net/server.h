// Accepts connections on one Listener and owns them. The protocol comes from
// a factory, so ws-server and registry-http share this unchanged. Closing is
// deferred to the end of the event batch: a connection closed in a callback
// keeps its fd (and so its number) until no event of the batch can name it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "loop/event_loop.h"
#include "net/buffer.h"
#include "net/connection.h"
#include "net/listener.h"

namespace net {

struct Limits {
    size_t max_input = 1 << 20;        // unhandled input kept per connection
    size_t max_output = 4 << 20;       // stop reading a client whose backlog is above this
    size_t max_connections = 50'000;   // beyond this new connections are closed at once
    int64_t linger_ms = 2'000;         // how long a closing connection waits for the peer
    int64_t tick_ms = 100;             // how often deadlines are checked
};

class Server final : public loop::Handler {
public:
    using Factory = std::function<std::unique_ptr<Connection>(Server&, UniqueFd)>;

    Server(loop::EventLoop& loop, Listener listener, Limits limits, Factory factory);
    Status start();
    // Stops accepting, asks every connection to say goodbye, and calls `done`
    // once all are closed or `grace_ms` has passed (then the rest are dropped).
    void shutdown(int64_t grace_ms, std::function<void()> done);

    loop::EventLoop& loop() { return loop_; }
    const Limits& limits() const { return limits_; }
    uint16_t port() const { return listener_.port(); }
    size_t connection_count() const { return live_; }

    void on_event(const loop::Event& event) noexcept override;  // the listener

private:
    friend class Connection;
    // One read buffer for all connections: big enough that a 64 KiB message
    // and its header arrive in one read, and several smaller ones at a time.
    static constexpr size_t kReadChunk = 256 * 1024;
    uint8_t* read_scratch() { return read_scratch_.get(); }
    void remove(Connection& connection) noexcept;
    void sweep() noexcept;
    void after_batch() noexcept;

    loop::EventLoop& loop_;
    Listener listener_;
    Limits limits_;
    Factory factory_;
    std::vector<std::unique_ptr<Connection>> by_fd_;
    std::vector<std::unique_ptr<Connection>> graveyard_;
    Bytes read_scratch_;
    size_t live_ = 0;
    bool accept_paused_ = false;
    bool shutting_down_ = false;
    int64_t shutdown_deadline_ = 0;
    std::function<void()> on_stopped_;
};

}  // namespace net
