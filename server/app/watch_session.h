// One watcher of GET /api/registry/watch after its upgrade (SPEC "Live
// registry"): the snapshot first, or exactly the diffs missed since
// ?epoch=E&gen=G when registry::LiveLog::since() still holds them; then every
// message the LiveRegistry delivers, as one text frame each. Client frames:
// a ping is answered with a pong, a close with a close of the same code, text
// and binary are read and ignored; a frame that breaks RFC 6455 (unmasked,
// reserved bits, fragments out of order) closes with 1002, a payload over
// kMaxClientPayload with 1009. A watcher that does not read is dropped
// (aborted, no close frame: it would wait behind what is not read) when what
// it has not taken plus the next message would pass max_backlog; an empty
// backlog takes one message of any size, and what start() sends is owed
// whatever its size. Like WsSession it is the protocol
// alone, on net::Link.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "net/link.h"
#include "registry/live_log.h"
#include "websocket/frame.h"

namespace app {

struct WatchConfig {
    size_t max_backlog = 1u << 20;      // --max-watch-backlog
    int64_t close_timeout_ms = 5'000;   // wait for the peer's close frame after ours
};

// ?epoch=E&gen=G in a request target (either order, other parameters
// ignored); nullopt when either is missing or not a decimal number.
struct ResumePoint {
    uint64_t epoch = 0;
    uint64_t gen = 0;
};
std::optional<ResumePoint> parse_resume(std::string_view target);

class WatchSession {
public:
    static constexpr size_t kMaxClientPayload = 4096;

    WatchSession(net::Link& link, const WatchConfig& config);

    // After the 101 went out: the snapshot, or the diffs `target` (the
    // request's target) missed.
    void start(const registry::LiveLog& log, std::string_view target) noexcept;
    // net::Connection's callbacks: client frames; the close timeout passed;
    // the server is stopping (close 1001).
    size_t on_input(std::span<uint8_t> input) noexcept;
    void on_deadline() noexcept;
    void on_shutdown() noexcept;
    // One message as a text frame, unless the watcher is closing. False when
    // the backlog would pass max_backlog: the connection is aborted.
    bool send(std::string_view message) noexcept;
    bool open() const { return phase_ == Phase::open; }

private:
    void on_frame(const websocket::DecodeResult& frame) noexcept;
    // The frame's header, then the message from where it lies.
    void write_text(std::string_view message) noexcept;
    void send_frame(websocket::Opcode opcode, std::string_view payload) noexcept;
    void fail(uint16_t code, std::string_view reason) noexcept;

    enum class Phase : uint8_t { open, closing, closed };
    net::Link& link_;
    const WatchConfig& config_;
    Phase phase_ = Phase::open;
    bool in_message_ = false;  // a fragmented client message has begun
};

}  // namespace app
