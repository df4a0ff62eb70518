// RFC 6455 §4.2.1/§4.2.2, server side. Accepted: GET, HTTP/1.1, Upgrade:
// websocket, Connection: upgrade, a 16-byte base64 Sec-WebSocket-Key, version
// 13. No extension and no subprotocol is ever selected, so permessage-deflate
// offers (Chromium sends one) are declined by simply not answering them.
// Refused: version other than 13 -> 426 with Sec-WebSocket-Version: 13 (a
// repeated Sec-WebSocket-Version -> 400); a foreign Host (an absolute-form
// target's authority when there is one) or Origin -> 403 (see docs/security.md); other methods -> 405;
// anything else malformed -> 400 with the rule in the body.
#include "websocket/handshake.h"

#include "base/ascii.h"
#include "http/response.h"
#include "http/security.h"
#include "websocket/base64.h"
#include "websocket/sha1.h"

namespace websocket {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

Handshake refuse(int status, std::string problem, std::string_view extra_headers = {}) {
    Handshake result{status, {}, std::move(problem)};
    std::string body = std::to_string(status) + " " + std::string(http::reason_phrase(status)) + ": " +
                       result.problem + "\n";
    http::append_head(result.response, http::ResponseHead{status, "text/plain; charset=utf-8", body.size(),
                                                          false, extra_headers});
    result.response += body;
    return result;
}

size_t count_headers(const http::Request& request, std::string_view name) {
    size_t count = 0;
    for (size_t i = 0; i < request.header_count; ++i) count += base::iequals(request.headers[i].name, name);
    return count;
}

bool origin_allowed(std::string_view origin, const HandshakePolicy& policy) {
    if (origin.empty() || policy.allow_any_origin || http::is_loopback_origin(origin)) return true;
    for (const std::string& allowed : policy.allowed_origins)
        if (allowed == origin) return true;
    return false;
}

}  // namespace

std::string accept_key(std::string_view client_key) {
    std::string keyed(client_key);
    keyed += kGuid;
    auto digest = sha1(keyed);
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

Handshake check_host(const http::Request& request, const HandshakePolicy& policy) {
    // An absolute-form target's authority, not the Host header (RFC 9112 §3.2.2).
    std::string_view host = request.host();
    if (!policy.allow_any_host && !http::is_own_host(host, policy.listen_address, policy.advertised_name))
        return refuse(403, http::host_refusal(host, policy.listen_address, policy.advertised_name));
    return Handshake{};
}

Handshake answer_handshake(const http::Request& request, const HandshakePolicy& policy) {
    if (request.method != "GET") return refuse(405, "a WebSocket handshake must be a GET", "Allow: GET\r\n");
    if (request.version_minor < 1) return refuse(400, "a WebSocket handshake needs HTTP/1.1");
    if (Handshake refused = check_host(request, policy); refused.status != 0) return refused;
    std::string_view origin = request.header("Origin");
    if (!origin_allowed(origin, policy))
        return refuse(403, "Origin '" + std::string(origin.substr(0, 100)) + "' is not allowed");
    if (!request.header("Content-Length").empty() || !request.header("Transfer-Encoding").empty())
        return refuse(400, "a WebSocket handshake has no body");
    if (!request.has_token("Upgrade", "websocket")) return refuse(400, "missing 'Upgrade: websocket'");
    if (!request.has_token("Connection", "upgrade")) return refuse(400, "missing 'Connection: Upgrade'");
    std::string_view version = request.header("Sec-WebSocket-Version");
    if (version.empty()) return refuse(400, "missing Sec-WebSocket-Version");
    if (count_headers(request, "Sec-WebSocket-Version") != 1) return refuse(400, "more than one Sec-WebSocket-Version");
    if (version != "13")
        return refuse(426, "Sec-WebSocket-Version '" + std::string(version.substr(0, 20)) + "' is not supported",
                      "Sec-WebSocket-Version: 13\r\n");
    std::string_view key = request.header("Sec-WebSocket-Key");
    if (key.empty()) return refuse(400, "missing Sec-WebSocket-Key");
    if (count_headers(request, "Sec-WebSocket-Key") != 1) return refuse(400, "more than one Sec-WebSocket-Key");
    auto decoded = base64_decode(key);
    if (!decoded.ok() || decoded.value().size() != 16)
        return refuse(400, "Sec-WebSocket-Key is not 16 bytes in base64");

    Handshake accepted{101, {}, {}};
    accepted.response.reserve(160);
    accepted.response +=
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: ";
    accepted.response += accept_key(key);
    accepted.response += "\r\n\r\n";
    return accepted;
}

}  // namespace websocket
