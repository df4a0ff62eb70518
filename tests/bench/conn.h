// One client connection of the load generator and the three ways it reads
// what comes back: WebSocket frames from the server (RFC 6455 §5, unmasked,
// possibly fragmented, pings answered with masked pongs), a raw TCP byte
// stream cut into S-byte messages, and HTTP/1.1 responses with Content-Length
// (what registry-http and nginx send; chunked bodies are refused).
// The readers check each byte against what was sent as it arrives, straight
// from the read buffer, and only count finished messages in `received`:
// timing and sending stay with the caller.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "base/unique_fd.h"
#include "payload.h"

namespace bench {

struct Conn {
    enum class State : uint8_t { connecting, handshaking, running };

    uint32_t id = 0;
    UniqueFd fd;
    State state = State::connecting;
    bool watching_write = false;  // EPOLLOUT asked for: the socket was full
    bool dirty = false;           // output queued since the last flush

    // Output: iovecs into slots (one per message in flight, holding its head
    // or all of a small message), into the shared payload, into request, or
    // into control (pongs); sent in order.
    std::vector<iovec> out;
    size_t out_head = 0;
    std::vector<uint8_t> slots;
    size_t slot_size = 0;
    std::vector<int64_t> sent_at;  // per slot, for latency
    std::deque<std::string> control;
    std::string request;  // the opening handshake

    uint64_t sent = 0;      // messages queued
    uint64_t received = 0;  // echoes complete and checked

    std::string handshake_in;
    std::string expected_accept;

    // The frame being read.
    uint8_t frame_head[14];
    uint8_t frame_head_size = 0;
    bool in_payload = false;
    bool in_message = false;  // a data frame without FIN was read
    bool frame_fin = false;
    uint8_t frame_opcode = 0;
    uint64_t frame_left = 0;
    std::string control_in;
    size_t message_pos = 0;  // payload bytes of message `received` checked so far

    std::string http_in;  // an HTTP response that has not fully arrived

    bool has_output() const { return out_head < out.size(); }
    void queue(const void* data, size_t size) { out.push_back({const_cast<void*>(data), size}); }
};

// Fills c.request with an opening handshake and c.expected_accept with the
// Sec-WebSocket-Accept it must bring back (RFC 6455 §4.2.2).
void start_handshake(Conn& c, std::string_view host, uint16_t port);

// Each reader returns "" or what went wrong. feed_handshake sets *used to the
// bytes it took and, once the response is complete and right, makes the
// connection running; anything after the response head is frames for feed_ws.
std::string feed_handshake(Conn& c, const uint8_t* data, size_t size, size_t* used);
std::string feed_ws(Conn& c, const Payload& payload, uint32_t mask_key, const uint8_t* data, size_t size);
std::string feed_tcp(Conn& c, const Payload& payload, const uint8_t* data, size_t size);
// The first body seen becomes *expected_body; every later one must equal it.
std::string feed_http(Conn& c, std::string* expected_body, const uint8_t* data, size_t size);

}  // namespace bench
