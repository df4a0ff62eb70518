// Accepts connections on one Listener and owns them. The protocol comes from
// a factory, so ws-server and registry-http share this unchanged. A
// connection sees its server only as a net::Host; closing is deferred by the
// loop (EventLoop::retire), so several servers can share one loop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "loop/event_loop.h"
#include "net/buffer.h"
#include "net/connection.h"
#include "net/host.h"
#include "net/listener.h"

namespace net {

class Server final : public loop::Handler, public Host {
public:
    using Factory = std::function<std::unique_ptr<Connection>(Server&, UniqueFd)>;

    Server(loop::EventLoop& loop, Listener listener, Limits limits, Factory factory);
    // Stops watching everything it watches and cancels its timer; connections
    // still open are closed (their fds) without a goodbye.
    ~Server() override;
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    Status start();
    // Stops accepting, asks every connection to say goodbye, and calls `done`
    // once all are closed or `grace_ms` has passed (then the rest are dropped).
    void shutdown(int64_t grace_ms, std::function<void()> done);

    loop::EventLoop& loop() noexcept override { return loop_; }
    const Limits& limits() const noexcept override { return limits_; }
    uint16_t port() const { return listener_.port(); }
    size_t connection_count() const { return live_; }

    void on_event(const loop::Event& event) noexcept override;  // the listener

private:
    // One read buffer for all connections: 256 KiB of payload and 4 KiB more
    // for the frame headers around it, so that four 64 KiB messages arrive in
    // one read. At exactly 256 KiB they took two: the read stopped 56 bytes
    // (four 14-byte client headers) short of the fourth frame's end, and each
    // such pair also cost a 56-byte send() and a second wakeup of the peer.
    static constexpr size_t kReadChunk = 256 * 1024 + 4096;
    static constexpr size_t kLongestClientHeader = 14;  // 2 + 8 length + 4 mask (RFC 6455 5.2)
    static_assert(kReadChunk >= 4 * (64 * 1024 + kLongestClientHeader), "four 64 KiB frames");
    std::span<uint8_t> read_buffer() noexcept override { return {read_scratch_.get(), kReadChunk}; }
    void remove(Connection& connection) noexcept override;
    void sweep() noexcept;
    void resume_accepting() noexcept;
    void report_stopped() noexcept;

    loop::EventLoop& loop_;
    Listener listener_;
    Limits limits_;
    Factory factory_;
    std::vector<std::unique_ptr<Connection>> by_fd_;
    Bytes read_scratch_;
    loop::TimerId sweep_timer_ = 0;
    size_t live_ = 0;
    bool accept_paused_ = false;
    bool shutting_down_ = false;
    int64_t shutdown_deadline_ = 0;
    std::function<void()> on_stopped_;
};

}  // namespace net
