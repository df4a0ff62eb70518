// What a protocol (app::WsSession) may ask of its connection: queue output,
// learn how much room is left, close, keep a deadline. net::Connection is the
// real one; tests drive a protocol through a fake that records every byte
// and every close, with its input cut wherever they like.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

namespace net {

class Link {
public:
    // Queues bytes for the peer; sent when the current callback returns.
    virtual void write(std::string_view bytes) = 0;
    // A header and a body (a large body may go to the kernel at once).
    virtual void write(std::string_view head, std::string_view body) = 0;
    // Queues `bytes`, which lie in the input being handled, without copying
    // them: they go out from where they lie when the callback returns. They
    // must lie inside that input, start at or after in_place_end(), and stay
    // untouched until then (checked in debug and sanitizer builds). Bytes
    // that start where the previous ones end join them (one send); others
    // cost a copy of what came before. Not virtual, as the echo path calls it
    // for every frame: the run lives here and the owner takes it.
    void write_in_place(std::span<uint8_t> bytes) noexcept {
        if (bytes.empty()) return;
        assert(bytes.data() >= input_begin_ && bytes.data() + bytes.size() <= input_end_ &&
               "write_in_place: the bytes must lie in the input of this callback");
        assert((in_place_ == nullptr || bytes.data() >= in_place_end()) &&
               "write_in_place: the bytes must not start before the ones queued already");
        if (in_place_ != nullptr && in_place_end() == bytes.data()) {
            in_place_size_ += static_cast<uint32_t>(bytes.size());
            return;
        }
        if (in_place_ != nullptr) keep_in_place();  // not adjacent: what came before goes first
        in_place_ = bytes.data();
        in_place_size_ = static_cast<uint32_t>(bytes.size());
    }
    // Where the bytes queued with write_in_place() in this callback end; null if none.
    uint8_t* in_place_end() const noexcept { return in_place_ ? in_place_ + in_place_size_ : nullptr; }
    // Bytes that can still be queued, this callback's included, before output is full.
    virtual size_t output_room() const = 0;
    virtual size_t output_pending() const = 0;  // written, not yet taken by the kernel
    virtual bool closing() const = 0;           // close_after_flush() or abort() was called
    // The unfinished message needs `total` bytes of input in all.
    virtual void expect_input(size_t total) = 0;
    // Sends what is queued, then closes; no more input reaches the protocol,
    // and nothing written after it is sent.
    virtual void close_after_flush() = 0;
    virtual void abort() = 0;  // drop the connection now
    // The protocol's deadline (on the loop's monotonic clock); 0 = none.
    virtual void set_deadline(int64_t monotonic_ms) = 0;
    virtual int64_t now_ms() const = 0;
    // The socket, for log lines only (its peer's address); -1 without one.
    virtual int fd() const = 0;

protected:
    ~Link() = default;
    // The owner's side. The input a callback is about to handle (bounds for
    // the checks; none outside a callback) and, once it returns, the run of
    // bytes written in place, which the owner sends or drops.
    void begin_input([[maybe_unused]] std::span<const uint8_t> input) noexcept {
        assert(in_place_ == nullptr && "write_in_place: nothing is left from an earlier callback");
#ifndef NDEBUG
        input_begin_ = input.data();
        input_end_ = input.data() + input.size();
#endif
    }
    void end_input() noexcept {
#ifndef NDEBUG
        input_begin_ = input_end_ = nullptr;  // the input is not the protocol's any more
#endif
    }
    std::span<uint8_t> take_in_place() noexcept {
        if (in_place_ == nullptr) return {};
        return {std::exchange(in_place_, nullptr), in_place_size_};
    }
    size_t in_place_size() const noexcept { return in_place_ ? in_place_size_ : 0; }
    // Bytes written in place do not join the run: the owner keeps the run
    // (take_in_place()) before them, in order, as its write() must too.
    virtual void keep_in_place() noexcept = 0;

private:
    uint8_t* in_place_ = nullptr;
#ifndef NDEBUG
    const uint8_t* input_begin_ = nullptr;
    const uint8_t* input_end_ = nullptr;
#endif
    uint32_t in_place_size_ = 0;  // last: a subclass may put 4 bytes of its own behind it
};

}  // namespace net
