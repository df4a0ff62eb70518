// One accepted TCP connection: its socket, what it has read but not yet
// handled, and what it has written but the kernel has not yet taken. The
// protocol (WebSocket, HTTP) is a subclass that sees bytes, never the socket;
// it sees its server only as a net::Host (loop, limits, read buffer, removal).
//
// Reads land in a buffer shared by all connections and only an unfinished
// remainder is kept per connection; writes made during a callback are sent
// with one send() when it returns (a large body given to write(head, body)
// goes at once). Idle connections hold no buffers.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "base/unique_fd.h"
#include "loop/event_loop.h"
#include "net/buffer.h"
#include "net/host.h"
#include "net/link.h"

namespace net {

class Connection : public loop::Handler, public Link {
public:
    Connection(Host& host, UniqueFd fd) : fd_(std::move(fd)), host_(host) {}
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    int fd() const final { return fd_.get(); }
    bool closing() const final { return state_ != State::open; }
    size_t output_pending() const final { return out_.size(); }
    // The output backlog has reached max_output: a protocol that can answer a
    // little input with a lot of output stops handling input until it drains.
    bool output_full() const;
    // Bytes that can still be queued, this callback's included, before output_full().
    size_t output_room() const final;

    // Queues bytes for the peer; sent when the current callback returns.
    void write(std::string_view bytes) final;
    void write(const void* data, size_t size) { write({static_cast<const char*>(data), size}); }
    // A header and a body: a large body goes to the kernel at once, straight
    // from where it lies (one sendmsg), and only what it does not take is
    // copied. So this one can find the peer gone and abort() at once.
    void write(std::string_view head, std::string_view body) final;
    // write_in_place() and in_place_end() are net::Link's own (not virtual):
    // what is written in place goes out from where it lies when the callback
    // returns, and only what the kernel does not take is copied.
    // The unfinished message needs `total` bytes of input in all: the next
    // reads ask for no more than the rest, so the buffer empties when it
    // completes. The buffer still grows only with what arrives.
    void expect_input(size_t total) final {
        input_hint_ = static_cast<uint32_t>(std::min<size_t>(total, UINT32_MAX));
    }
    // A protocol that produces a long answer piecemeal (a file as the socket
    // drains) turns this on: while it is on, on_output_room() is called
    // whenever less than kOutputLowMark waits to be sent, and input is
    // neither read nor handled, so later answers cannot overtake this one.
    static constexpr size_t kOutputLowMark = 64 * 1024;
    void set_producing(bool on) { producing_ = on; }
    bool producing() const { return producing_; }
    // Room for `n` bytes at the end of the output, for the protocol to fill
    // (pread) before commit_output() says how many it wrote; null when there
    // is no memory for it (the connection is then dropped).
    uint8_t* output_tail(size_t n) {
        copy_in_place();
        if (state_ != State::open) return nullptr;
        uint8_t* tail = out_.reserve_tail(n);
        if (tail == nullptr) out_of_memory();
        return tail;
    }
    void commit_output(size_t n) {
        if (state_ == State::open) out_.commit(n);
    }
    // Sends what is queued, then half-closes and discards input until the peer
    // closes or the linger time passes (so a final close frame or error body is
    // not lost to a reset). Further input is not given to the protocol.
    void close_after_flush() final;
    void abort() final;  // drop the connection now

    // The protocol's deadline (handshake, ping, close timeout); 0 = none.
    void set_deadline(int64_t monotonic_ms) final { deadline_ms_ = monotonic_ms; }
    int64_t deadline() const { return deadline_ms_; }
    int64_t now_ms() const final;

    // Called by the host once it owns the connection: starts reading.
    Status start() noexcept;
    void on_event(const loop::Event& event) noexcept final;
    void on_retired() noexcept final { fd_.reset(); }  // the batch is over: the number may be reused
    void flush() noexcept;      // called by the host after every callback it makes
    void expire(int64_t now_ms) noexcept;
    // The server is stopping: the protocol's goodbye, then flush().
    void shut_down() noexcept {
        on_shutdown();
        flush();
    }
    // Called every tick: buffers are freed after a whole tick without input,
    // so busy connections keep theirs and idle ones cost almost nothing.
    void release_idle_buffers() noexcept {
        if (std::exchange(active_, false)) return;
        in_.release();
        out_.release();
    }

protected:
    // New bytes: all unhandled input so far. Returns how many were handled;
    // the rest is offered again, with more, next time.
    virtual size_t on_input(std::span<uint8_t> input) noexcept = 0;
    virtual void on_deadline() noexcept = 0;
    // The server is stopping: say goodbye (WebSocket close 1001), then close.
    virtual void on_shutdown() noexcept { close_after_flush(); }
    // set_producing(true) and the backlog is below kOutputLowMark: queue more.
    virtual void on_output_room() noexcept {}
    // Called when the peer closed or the socket failed (after which the connection is gone).
    virtual void on_peer_gone(std::string_view /*why*/) noexcept {}
    // Input could not be kept for lack of memory (net::Shortage says which).
    // The protocol says so and closes (WebSocket: 1013 or 1011); by default
    // the connection is dropped.
    virtual void on_memory_short(Shortage why) noexcept;
    Host& host() { return host_; }

private:
    enum class State : uint8_t { open, flushing, lingering, dead };
    void on_readable() noexcept;
    void offer_input(std::span<uint8_t> fresh) noexcept;  // empty: what waits in in_
    bool send_output() noexcept;                           // false when the connection died
    bool send_in_place() noexcept;                         // out_ then the in-place bytes, one call
    // Sends out_ then `data` in one call and keeps what the kernel leaves in out_.
    bool send_after_backlog(const void* data, size_t size) noexcept;
    void copy_in_place() noexcept;                         // the in-place bytes into out_ (order kept)
    void keep_in_place() noexcept final { copy_in_place(); }
    void out_of_memory() noexcept;                         // out_ cannot grow: drop the connection
    void read_and_discard() noexcept;
    void update_interest() noexcept;

    // Ordered so that nothing is padding: every idle client costs sizeof its
    // session and nothing more (docs/benchmarks.md, memory).
    UniqueFd fd_;  // first: it fills the 4 bytes net::Link leaves at its end
    Host& host_;
    State state_ = State::open;
    uint8_t interest_ = 0;
    bool input_deferred_ = false;  // in_ holds input the protocol left for lack of output room
    bool producing_ = false;       // see set_producing()
    bool active_ = false;          // input arrived since the last tick
    Buffer in_;   // unhandled input, only when a message is incomplete
    Buffer out_;  // output the kernel did not take yet
    int64_t deadline_ms_ = 0;
    uint32_t input_hint_ = 0;      // bytes the unfinished message needs in all (0: unknown)
};

}  // namespace net
