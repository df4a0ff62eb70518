// One WebSocket client of ws-server: the opening handshake, then RFC 6455
// message handling with echo, pings for idle clients and the close handshake.
// WsSession is the protocol alone: it talks to its connection through
// net::Link, so tests drive it without a socket (tests/app/ws_session_test.cpp);
// WsConnection is it on a real net::Connection.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "app/ws_health.h"
#include "http/request_parser.h"
#include "net/buffer.h"
#include "net/connection.h"
#include "net/link.h"
#include "websocket/frame.h"
#include "websocket/handshake.h"
#include "websocket/utf8.h"

namespace app {

struct WsConfig {
    uint64_t max_message = 16u << 20;       // bytes in one message, fragments added up (else 1009)
    int64_t handshake_timeout_ms = 10'000;  // from accept to a complete handshake
    int64_t ping_interval_ms = 30'000;      // idle this long: ping; no answer in as long again: close
    int64_t close_timeout_ms = 5'000;       // wait for the peer's close frame after ours
    http::Limits head_limits;
    websocket::HandshakePolicy policy;
    // Where the counters go and what GET /healthz says; nullptr: nothing is
    // counted and /healthz is refused like any request without an upgrade.
    WsHealth* health = nullptr;
};

class WsSession {
public:
    // `refused`: the reason this connection is not served (app/owner_check.h),
    // answered with 403 to its upgrade request; empty: served.
    WsSession(net::Link& link, const WsConfig& config, std::string refused = {});
    ~WsSession();
    WsSession(const WsSession&) = delete;
    WsSession& operator=(const WsSession&) = delete;

    // net::Connection's callbacks (see there): all unhandled input, returns how
    // much was handled; the deadline passed; the server is stopping.
    size_t on_input(std::span<uint8_t> input) noexcept;
    void on_deadline() noexcept;
    void on_shutdown() noexcept;
    // The connection could not keep input for lack of memory: close with 1013
    // (over --max-memory) or 1011 (none to be had).
    void on_memory_short(net::Shortage why) noexcept;

private:
    enum class Phase : uint8_t { handshake, open, closing, closed };
    size_t handshake(std::span<uint8_t> input) noexcept;
    // GET /healthz without an upgrade: the Host rule, then the counters as JSON.
    void answer_health(const http::Request& request) noexcept;
    // Every phase change goes through here: it keeps WsHealth::connections.
    void enter(Phase next) noexcept;
    void count_message() noexcept {
        if (config_.health != nullptr) ++config_.health->messages;
    }
    // Handle one complete frame; false when the connection is failing or closed.
    bool on_data_frame(const websocket::DecodeResult& frame) noexcept;
    bool on_control_frame(const websocket::DecodeResult& frame) noexcept;
    // A data frame whose header is in but not all its payload: what can be
    // judged already is, in the order used for a whole frame, so a rule
    // broken gives the same close however the input is cut.
    bool judge_partial(const websocket::DecodeResult& frame) noexcept;
    // The fragmentation rules (1002): a continuation exactly when a message
    // is in progress. Inline, as every data frame asks.
    bool check_sequence(const websocket::DecodeResult& frame) noexcept {
        const bool in_message = message_opcode_ != websocket::Opcode::continuation;
        return (frame.opcode == websocket::Opcode::continuation) == in_message || refuse_sequence();
    }
    bool refuse_sequence() noexcept;  // fails with the rule broken; false
    // For a text frame still arriving: validates the payload that has come
    // (still masked) beyond what was checked already (1007 at the first bad byte).
    bool check_text_so_far(const websocket::DecodeResult& frame) noexcept;
    void on_close_frame(std::span<const uint8_t> payload) noexcept;
    void send_frame(websocket::Opcode opcode, std::span<const uint8_t> payload) noexcept;
    // Where the echo of input starting at `natural` goes: right after the
    // echo before it in this input, if any.
    uint8_t* echo_at(uint8_t* natural) noexcept;
    void unmask_for_echo(websocket::DecodeResult& frame) noexcept;
    // Echoing a binary frame while its payload arrives: begins it if `frame`
    // (need_more, at the start of `in`) qualifies; then passes payload on.
    bool start_stream(std::span<uint8_t> in, const websocket::DecodeResult& frame) noexcept;
    size_t pass_on(std::span<uint8_t> in) noexcept;
    // Sends a payload placed by unmask_for_echo() as a frame, from where it lies.
    void echo_in_place(websocket::Opcode opcode, std::span<uint8_t> payload) noexcept;
    void send_close(uint16_t code, std::string_view reason) noexcept;
    void fail(uint16_t code, std::string_view reason) noexcept;

    // Fails with 1013 (over --max-memory) or 1011 (no memory at all).
    void fail_for_memory(net::Shortage why) noexcept;

    // Ordered so that nothing is padding (see net::Connection).
    net::Link& link_;
    const WsConfig& config_;
    std::string refused_;
    net::Buffer message_;            // the fragmented message's fragments so far
    uint64_t stream_left_ = 0;       // payload bytes of the frame being streamed still to come
    // Payload bytes of the text frame still arriving that utf8_ has seen (a
    // buffered frame is under max_message, at most 1 GiB).
    uint32_t text_checked_ = 0;
    uint8_t stream_mask_[4] = {};    // the streamed frame's key, turned to the next byte's place
    Phase phase_ = Phase::handshake;
    bool awaiting_pong_ = false;
    websocket::Opcode message_opcode_ = websocket::Opcode::continuation;  // of the fragmented message, if any
    websocket::Utf8Validator utf8_;
    bool shutdown_pending_ = false;  // the server is stopping: close once the stream ends
};

class WsConnection final : public net::Connection {
public:
    WsConnection(net::Host& host, UniqueFd fd, const WsConfig& config, std::string refused = {})
        : net::Connection(host, std::move(fd)), session_(*this, config, std::move(refused)) {}

private:
    size_t on_input(std::span<uint8_t> input) noexcept override { return session_.on_input(input); }
    void on_deadline() noexcept override { session_.on_deadline(); }
    void on_shutdown() noexcept override { session_.on_shutdown(); }
    void on_memory_short(net::Shortage why) noexcept override { session_.on_memory_short(why); }

    WsSession session_;
};

}  // namespace app
