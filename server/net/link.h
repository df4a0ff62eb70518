// What a protocol (app::WsSession) may ask of its connection: queue output,
// learn how much room is left, close, keep a deadline. net::Connection is the
// real one; tests drive a protocol through a fake that records every byte
// and every close, with its input cut wherever they like.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace net {

class Link {
public:
    // Queues bytes for the peer; sent when the current callback returns.
    virtual void write(std::string_view bytes) = 0;
    // A header and a body (a large body may go to the kernel at once).
    virtual void write(std::string_view head, std::string_view body) = 0;
    // Queues `bytes`, which lie in the input being handled, without copying
    // them. They must lie inside that input, start at or after
    // in_place_end(), and stay untouched until the callback returns; bytes
    // that start where the previous ones end join them (one send).
    virtual void write_in_place(std::span<uint8_t> bytes) = 0;
    // Where the bytes queued with write_in_place() in this callback end; null if none.
    virtual uint8_t* in_place_end() const = 0;
    // Bytes that can still be queued, this callback's included, before output is full.
    virtual size_t output_room() const = 0;
    virtual size_t output_pending() const = 0;  // written, not yet taken by the kernel
    virtual bool closing() const = 0;           // close_after_flush() or abort() was called
    // The unfinished message needs `total` bytes of input in all.
    virtual void expect_input(size_t total) = 0;
    // Sends what is queued, then closes; no more input reaches the protocol.
    virtual void close_after_flush() = 0;
    virtual void abort() = 0;  // drop the connection now
    // The protocol's deadline (on the loop's monotonic clock); 0 = none.
    virtual void set_deadline(int64_t monotonic_ms) = 0;
    virtual int64_t now_ms() const = 0;
    // The socket, for log lines only (its peer's address); -1 without one.
    virtual int fd() const = 0;

protected:
    ~Link() = default;
};

}  // namespace net
