#include "net/connection.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>

#include <cerrno>
#include <cstring>


namespace net {

int64_t Connection::now_ms() const { return host_.loop().now_ms(); }

Status Connection::start() noexcept {
    Status st = host_.loop().watch(fd_.get(), loop::kReadable, this);
    if (!st.ok()) return st;
    interest_ = loop::kReadable;
    flush();
    return Ok{};
}

void Connection::on_event(const loop::Event& event) noexcept {
    // Writable needs nothing but the flush() that follows every event.
    if (event.ready & loop::kReadable) on_readable();
    flush();
}

void Connection::on_readable() noexcept {
    if (state_ != State::open) return read_and_discard();
    // Read into the shared scratch unless part of a message is already waiting.
    active_ = true;
    const bool fresh = in_.empty();
    std::span<uint8_t> scratch = host_.read_buffer();
    size_t room = scratch.size();
    if (!fresh) {
        // The buffer grows with the bytes that arrive, never with what a header
        // announces: a read asks for no more than is waiting already (at least
        // 4 KiB) and no more than the message still needs, so a client that
        // announces 16 MiB and sends one byte costs 8 KiB, not 32 MiB.
        constexpr size_t kMinRead = 4096;
        const size_t needed = input_hint_ > in_.size() ? input_hint_ - in_.size() : 0;
        room = std::clamp(needed, kMinRead, std::max(in_.size(), kMinRead));
    }
    uint8_t* into = fresh ? scratch.data() : in_.reserve_tail(room, Growth::limited);
    if (into == nullptr) return on_memory_short(buffer_memory.refused);
    ssize_t n = ::recv(fd_.get(), into, room, 0);
    if (n == 0) {
        on_peer_gone("connection closed by peer");
        return abort();
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        on_peer_gone(std::strerror(errno));
        return abort();
    }
    if (!fresh) {
        in_.commit(static_cast<size_t>(n));
        return offer_input({});
    }
    offer_input({into, static_cast<size_t>(n)});
}

void Connection::offer_input(std::span<uint8_t> fresh) noexcept {
    std::span<uint8_t> input = fresh.empty() ? in_.span() : fresh;
    input_hint_ = 0;
    begin_input(input);
    size_t used = on_input(input);
    end_input();
    if (state_ != State::open) {  // dead, or close_after_flush() already dropped the input
        take_in_place();          // written in place after the close: dropped
        return;
    }
    if (!fresh.empty()) {
        if (used < input.size() && !in_.append(input.data() + used, input.size() - used, Growth::limited))
            return on_memory_short(buffer_memory.refused);
    } else {
        in_.consume(used);
    }
    // A protocol that stopped because its output is full (a small request can
    // ask for a large answer) gets the rest again once the output drains.
    // That input is not read further meanwhile, so it is not held against
    // max_input: pipelined requests wait instead of costing the connection.
    input_deferred_ = !in_.empty() && (output_full() || producing_);
    if (!input_deferred_ && in_.size() > host_.limits().max_input) {
        // The protocol refuses oversized messages itself; this is the backstop.
        on_peer_gone("input limit exceeded");
        abort();
    }
}

bool Connection::output_full() const { return out_.size() >= host_.limits().max_output; }

size_t Connection::output_room() const {
    // What this callback wrote in place may yet land in out_ too.
    const size_t queued = out_.size() + in_place_size();
    const size_t limit = host_.limits().max_output;
    return queued < limit ? limit - queued : 0;
}

void Connection::on_memory_short(Shortage) noexcept {
    on_peer_gone("out of buffer memory");
    abort();
}

void Connection::read_and_discard() noexcept {
    std::span<uint8_t> scratch = host_.read_buffer();
    ssize_t n = ::recv(fd_.get(), scratch.data(), scratch.size(), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) abort();
}

void Connection::write(std::string_view bytes) {
    if (state_ != State::open || bytes.empty()) return;
    copy_in_place();
    if (state_ == State::open && !out_.append(bytes)) out_of_memory();
}

void Connection::copy_in_place() noexcept {
    const std::span<uint8_t> run = take_in_place();
    // Written after close_after_flush() or abort(): dropped, never sent.
    if (!run.empty() && state_ == State::open && !out_.append(run.data(), run.size())) out_of_memory();
}

void Connection::out_of_memory() noexcept {
    // Output already promised cannot be kept: the peer would miss bytes.
    on_peer_gone("out of memory for its output");
    abort();
}

bool Connection::send_in_place() noexcept {
    const std::span<uint8_t> run = take_in_place();
    return send_after_backlog(run.data(), run.size());
}

bool Connection::send_after_backlog(const void* data, size_t size) noexcept {
    iovec parts[2] = {{out_.data(), out_.size()}, {const_cast<void*>(data), size}};
    msghdr message{};
    message.msg_iov = out_.empty() ? &parts[1] : parts;
    message.msg_iovlen = out_.empty() ? 1 : 2;
    ssize_t n;
    do {  // without a backlog, send() costs the kernel less than an iovec
        n = out_.empty() ? ::send(fd_.get(), data, size, 0) : ::sendmsg(fd_.get(), &message, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        on_peer_gone(std::strerror(errno));
        abort();
        return false;
    }
    // What the kernel did not take waits in out_, in order.
    size_t sent = n > 0 ? static_cast<size_t>(n) : 0;
    size_t from_out = std::min(sent, out_.size());
    out_.consume(from_out);
    sent -= from_out;
    if (!out_.append(static_cast<const uint8_t*>(data) + sent, size - sent)) {
        out_of_memory();
        return false;
    }
    return true;
}

void Connection::write(std::string_view head, std::string_view body) {
    // Below this a copy costs less than a second iovec.
    constexpr size_t kDirectWrite = 8 * 1024;
    if (state_ != State::open) return;
    copy_in_place();
    if (state_ != State::open) return;
    if (!out_.append(head) || (body.size() < kDirectWrite && !out_.append(body))) return out_of_memory();
    if (body.size() >= kDirectWrite) send_after_backlog(body.data(), body.size());
}

void Connection::flush() noexcept {
    // A producer gets this many turns per event, then waits for writable, so
    // one fast reader of a large file does not keep the others waiting.
    constexpr int kProduceTurns = 16;
    int turns = 0;
    while (state_ != State::dead) {
        if (!send_output()) return;
        if (producing_ && state_ == State::open && out_.size() < kOutputLowMark) {
            if (++turns > kProduceTurns) break;
            on_output_room();
            continue;
        }
        // Input left for lack of output room is handled once there is room.
        if (!input_deferred_ || output_full() || producing_ || state_ != State::open) break;
        input_deferred_ = false;
        offer_input({});
    }
    if (state_ == State::dead) return;
    if (out_.empty()) {
        // A small block at once, not after an idle tick: freed here it is the
        // next one's (malloc keeps it at hand), where one freed a tick later
        // leaves a hole among the sessions accepted meanwhile (the handshake's
        // answer did, 130-370 bytes per idle client). A large block is mapped
        // memory: freeing it after every burst cost an mmap, its page faults
        // and a munmap per burst (64 KiB echoes ran at 0.71 of the TCP echo
        // instead of 0.80), so it waits for the idle tick like the input
        // buffer. A producer refills it at once.
        if (!producing_ && out_.capacity() < kLargeBlock) out_.release();
        if (state_ == State::flushing) {
            ::shutdown(fd_.get(), SHUT_WR);
            state_ = State::lingering;
            deadline_ms_ = now_ms() + host_.limits().linger_ms;
        }
    }
    update_interest();
}

bool Connection::send_output() noexcept {
    if (in_place_size() > 0) return send_in_place();  // a short write there means the kernel is full
    while (!out_.empty()) {
        ssize_t n = ::send(fd_.get(), out_.data(), out_.size(), 0);
        if (n > 0) {
            out_.consume(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n < 0 && errno == EINTR) continue;
        on_peer_gone(std::strerror(errno));
        abort();
        return false;
    }
    return true;
}

void Connection::update_interest() noexcept {
    // Backpressure: a client that does not read its echoes is not read either.
    uint8_t want = output_full() || producing_ ? 0 : loop::kReadable;
    if (!out_.empty() || (producing_ && state_ == State::open)) want |= loop::kWritable;
    if (want == interest_) return;
    Status st = host_.loop().watch(fd_.get(), want, this);
    if (!st.ok()) return abort();
    interest_ = want;
}

void Connection::close_after_flush() {
    if (state_ != State::open) return;
    copy_in_place();  // what was written in place so far goes; nothing after it
    if (state_ != State::open) return;
    state_ = State::flushing;
    producing_ = false;  // what is queued is the last of it
    deadline_ms_ = now_ms() + host_.limits().linger_ms;
    in_.clear();
    in_.release();
}

void Connection::abort() {
    if (state_ == State::dead) return;
    state_ = State::dead;
    take_in_place();
    host_.remove(*this);
}

void Connection::expire(int64_t now_ms) noexcept {
    (void)now_ms;
    if (state_ == State::flushing || state_ == State::lingering) return abort();
    deadline_ms_ = 0;
    on_deadline();
    flush();
}

}  // namespace net
