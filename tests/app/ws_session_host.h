// A test host for app::WsSession: no socket, no loop. It feeds the session
// input cut wherever the test likes, the way net::Connection does (a fresh
// read buffer when nothing waits, else the unhandled rest with the new bytes
// behind it), and records every byte written and every close. Bytes queued
// in place are copied out only when the callback returns, as the real
// connection sends them then, so a session that touches them afterwards is
// caught; net::Link itself checks where they lie (inside this callback's
// input, never before what was queued), here as in the server. Used by
// tests/app/ws_session_test.cpp and tests/fuzz/session_fuzz.cpp, so it needs
// no GoogleTest: a broken contract aborts with a message.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/ws_session.h"
#include "net/buffer.h"
#include "net/link.h"
#include "websocket/frame.h"

namespace session_test {

inline void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "net::Link contract broken: %s\n", what);
    std::abort();
}

class FakeLink final : public net::Link {
public:
    void write(std::string_view bytes) override {
        if (closing() || bytes.empty()) return;
        take_in_place();
        output_.append(bytes);
    }
    void write(std::string_view head, std::string_view body) override {
        write(head);
        write(body);
    }
    size_t output_room() const override {
        const size_t queued = in_place_size();
        return queued < max_output_ ? max_output_ - queued : 0;
    }
    size_t output_pending() const override { return 0; }
    bool closing() const override { return closed_ || aborted_; }
    void expect_input(size_t total) override { expected_input_ = total; }
    void close_after_flush() override {
        if (closing()) return;
        take_in_place();  // what came before the close is sent; nothing after it
        closed_ = true;
    }
    void abort() override {
        aborted_ = true;
        take_in_place();
    }
    void set_deadline(int64_t monotonic_ms) override { deadline_ = monotonic_ms; }
    int64_t now_ms() const override { return now_; }
    int fd() const override { return -1; }

    // The host's side.
    void begin_callback(std::span<uint8_t> input) { begin_input(input); }
    void end_callback() {
        end_input();
        take_in_place();
    }
    // The run so far goes out, unless it was written after a close.
    void take_in_place() {
        const std::span<uint8_t> run = net::Link::take_in_place();
        if (!closing()) output_.append(reinterpret_cast<const char*>(run.data()), run.size());
    }
    std::string output_;
    size_t max_output_ = 4u << 20;
    size_t expected_input_ = 0;
    bool closed_ = false;
    bool aborted_ = false;
    int64_t deadline_ = 0;
    int64_t now_ = 1'000'000;

private:
    void keep_in_place() noexcept override { take_in_place(); }
};

inline app::WsConfig test_config() {
    app::WsConfig config;
    config.max_message = 1000;
    config.handshake_timeout_ms = 10'000;
    config.ping_interval_ms = 30'000;
    config.close_timeout_ms = 5'000;
    return config;
}

inline constexpr std::string_view kUpgrade =
    "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
inline constexpr std::string_view kUpgraded =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

class SessionHost {
public:
    // `refused`: as from the owner check (app::WsSession's constructor).
    explicit SessionHost(const app::WsConfig& config = test_config(), std::string refused = {})
        : config_(config), session_(std::make_unique<app::WsSession>(link_, config_, std::move(refused))) {}
    // The session ends (the connection is destroyed), as when its peer has
    // gone; nothing may be fed after.
    void destroy() { session_.reset(); }

    // One read of `bytes`. Nothing reaches the session once it has closed.
    void feed(std::string_view bytes) {
        if (link_.closing() || bytes.empty()) return;
        std::span<uint8_t> input;
        const bool fresh = pending_.empty();
        // A fresh read gets a buffer of its own, sized exactly, so the sanitizer
        // sees a session that reaches past its input.
        if (fresh) {
            scratch_.assign(bytes.begin(), bytes.end());
            input = scratch_;
        } else {
            pending_.insert(pending_.end(), bytes.begin(), bytes.end());
            input = pending_;
        }
        link_.begin_callback(input);
        const size_t used = session_->on_input(input);
        link_.end_callback();
        require(used <= input.size(), "on_input handled more than it was given");
        if (link_.closing()) return pending_.clear();
        if (fresh) pending_.assign(input.begin() + static_cast<std::ptrdiff_t>(used), input.end());
        else pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
        scratch_.clear();
    }
    // `bytes` cut before each of `cuts` (ascending offsets), one read per piece.
    void feed_cut(std::string_view bytes, const std::vector<size_t>& cuts) {
        size_t from = 0;
        for (size_t cut : cuts) {
            feed(bytes.substr(from, cut - from));
            from = cut;
        }
        feed(bytes.substr(from));
    }
    // The deadline passes: the clock moves to it and the session is told.
    void expire() {
        if (link_.closing()) return;
        if (link_.deadline_ > link_.now_) link_.now_ = link_.deadline_;
        link_.deadline_ = 0;
        callback([&] { session_->on_deadline(); });
    }
    void shutdown() {
        if (link_.closing()) return;
        callback([&] { session_->on_shutdown(); });
    }
    // The connection could not keep input (its buffer could not grow), as
    // net::Connection reports it; what is pending is dropped, as there.
    void memory_short(net::Shortage why) {
        if (link_.closing()) return;
        callback([&] { session_->on_memory_short(why); });
        pending_.clear();
    }
    // Handshake done; its answer is not part of output() afterwards.
    bool open() {
        feed(kUpgrade);
        bool ok = link_.output_ == kUpgraded;
        link_.output_.clear();
        return ok;
    }

    const std::string& output() const { return link_.output_; }
    std::string take_output() { return std::exchange(link_.output_, {}); }
    bool closed() const { return link_.closed_; }    // close_after_flush()
    bool aborted() const { return link_.aborted_; }  // abort()
    size_t pending() const { return pending_.size(); }
    int64_t deadline() const { return link_.deadline_; }
    FakeLink& link() { return link_; }

private:
    template <class F>
    void callback(F f) {
        link_.begin_callback({});
        f();
        link_.end_callback();
    }
    app::WsConfig config_;
    FakeLink link_;
    std::unique_ptr<app::WsSession> session_;
    std::vector<uint8_t> scratch_;
    std::vector<uint8_t> pending_;
};

// A client frame: masked, shortest length form unless `length_bytes` says (0, 2 or 8).
inline std::string client_frame(uint8_t first_byte, std::string_view payload, uint32_t key = 0x37fa213d) {
    std::string frame(1, static_cast<char>(first_byte));
    const size_t n = payload.size();
    if (n < 126) {
        frame += static_cast<char>(0x80 | n);
    } else if (n <= 0xffff) {
        frame += static_cast<char>(0x80 | 126);
        for (int i = 1; i >= 0; --i) frame += static_cast<char>((n >> (8 * i)) & 0xff);
    } else {
        frame += static_cast<char>(0x80 | 127);
        for (int i = 7; i >= 0; --i) frame += static_cast<char>((uint64_t{n} >> (8 * i)) & 0xff);
    }
    const uint8_t mask[4] = {static_cast<uint8_t>(key >> 24), static_cast<uint8_t>(key >> 16),
                             static_cast<uint8_t>(key >> 8), static_cast<uint8_t>(key)};
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (size_t i = 0; i < n; ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
    return frame;
}

// A server frame: unmasked, shortest length form, FIN set.
inline std::string server_frame(websocket::Opcode opcode, std::string_view payload) {
    std::string out;
    websocket::append_frame(out, opcode, payload);
    return out;
}

inline std::string server_close(uint16_t code, std::string_view reason = {}) {
    return server_frame(websocket::Opcode::close, websocket::close_payload(code, reason));
}

}  // namespace session_test
