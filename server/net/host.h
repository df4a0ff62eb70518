// What a connection needs of whoever accepted it, and nothing more: the loop,
// the limits, the read buffer all connections share, and removal. net::Server
// is the real one; a connection never sees the rest of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "loop/event_loop.h"

namespace net {

class Connection;

struct Limits {
    size_t max_input = 1 << 20;        // unhandled input kept per connection
    size_t max_output = 4 << 20;       // stop reading a client whose backlog is above this
    size_t max_connections = 50'000;   // beyond this new connections are closed at once
    int64_t linger_ms = 2'000;         // how long a closing connection waits for the peer
    int64_t tick_ms = 100;             // how often deadlines are checked
    // All connections' buffers together (ws-server's --max-memory): input
    // that would pass it is refused (Connection::on_memory_short). It bounds
    // net::buffer_memory, which is process-wide: net::Server sets it when it
    // starts (ws-server and registry-http run one server each).
    size_t max_memory = std::numeric_limits<size_t>::max();
};

class Host {
public:
    virtual loop::EventLoop& loop() noexcept = 0;
    virtual const Limits& limits() const noexcept = 0;
    // Where a connection with no unfinished input reads: valid only until its
    // callback returns (all connections of the host share it).
    virtual std::span<uint8_t> read_buffer() noexcept = 0;
    // The connection is finished: it gets no more events and is destroyed
    // when the loop's batch ends (loop::EventLoop::retire).
    virtual void remove(Connection& connection) noexcept = 0;

protected:
    ~Host() = default;
};

}  // namespace net
