// The server side of the RFC 6455 §4.2 opening handshake, on a parsed request
// head. Pure: decides and formats the answer, never touches a socket.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request_parser.h"

namespace websocket {

struct HandshakePolicy {
    std::vector<std::string> allowed_origins;  // exact "scheme://host[:port]" values, besides loopback
    bool allow_any_origin = false;
    bool allow_any_host = false;               // skip the Host check (DNS-rebinding guard)
    std::string listen_address;                // the --host the server listens on: accepted as Host too
    std::string advertised_name = {};          // --advertise: accepted as Host too
};

struct Handshake {
    int status = 0;         // 101 when accepted
    std::string response;   // the complete bytes to send
    std::string problem;    // why it was refused (also in the response body)
};

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 §1.3).
std::string accept_key(std::string_view client_key);

// The 101 answer, or the refusal with its status and reason.
Handshake answer_handshake(const http::Request& request, const HandshakePolicy& policy);

// The Host rule of answer_handshake alone, for the requests ws-server answers
// without upgrading (GET /healthz): status 0 when the Host is accepted, else
// the same 403 refusal.
Handshake check_host(const http::Request& request, const HandshakePolicy& policy);

}  // namespace websocket
