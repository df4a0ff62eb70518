// ws-server's GET /healthz (SPEC "Live registry"): who it is, set at start,
// and two counters its sessions keep. Counting costs an increment per echoed
// message and one per opened or ended WebSocket. Pure: the session writes
// what health_response() returns.
#pragma once

#include <cstdint>
#include <string>

#include "http/request_parser.h"
#include "websocket/handshake.h"

namespace app {

struct WsHealth {
    std::string id;
    std::string instance;
    int64_t started_ms = 0;    // on the connections' monotonic clock (net::Link::now_ms)
    int64_t connections = 0;   // WebSocket connections open now (handshake done, not yet closed)
    int64_t messages = 0;      // messages echoed since start
};

// GET /healthz (a query is allowed) that does not ask for an upgrade.
bool is_health_request(const http::Request& request);

// The whole response to a health request: the Host rule of `policy` first
// (its 403, with *refused set to "403 <why>"), else 200 with
// {"id","instance","connections","messages","uptimeMs"}, not to be cached.
std::string health_response(const http::Request& request, const WsHealth& health,
                            const websocket::HandshakePolicy& policy, int64_t now_ms, std::string* refused);

}  // namespace app
