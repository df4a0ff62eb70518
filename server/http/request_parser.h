// HTTP/1.1 request head parser (RFC 9112), shared by registry-http and the
// WebSocket handshake. It never touches a socket, never allocates and copies
// nothing: the Request holds views into the caller's buffer, valid until that
// buffer next changes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/fields.h"

namespace http {

struct Limits {
    size_t max_request_line = 8 * 1024;   // longer: 414 URI Too Long
    size_t max_header_bytes = 16 * 1024;  // whole head incl. request line; longer: 431
    size_t max_headers = 64;              // more: 431 (never above kMaxHeaders)
};

inline constexpr size_t kMaxHeaders = 100;

struct Request {
    std::string_view method;  // "GET"
    std::string_view target;  // "/api/registry?x=1" as sent
    int version_minor = 1;    // HTTP/1.0 -> 0, HTTP/1.1 -> 1
    std::array<Header, kMaxHeaders> headers{};
    size_t header_count = 0;

    // First header with this name (ASCII case-insensitive), or empty view.
    std::string_view header(std::string_view name) const noexcept;
    // Whether the connection stays open after this request: HTTP/1.1 unless
    // "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
    bool keep_alive() const noexcept;
    // True when any comma-separated token of header `name` equals `token`
    // (case-insensitive), e.g. has_token("Connection", "upgrade").
    bool has_token(std::string_view name, std::string_view token) const noexcept;
    // The host the request is for: the authority of an absolute-form target
    // ("http://localhost:5173/x" -> "localhost:5173", RFC 9112 §3.2.2 says
    // the Host header is then ignored), else the Host header.
    std::string_view host() const noexcept;
    // The path and query to route on: origin-form and "*" as sent; for an
    // absolute-form target the part from its first '/' ("/" when none).
    std::string_view path() const noexcept;
};

enum class Parse { done, need_more, bad };

struct ParseResult {
    Parse status = Parse::need_more;
    size_t consumed = 0;          // when done: bytes of the head, incl. the blank line
    int http_status = 0;          // when bad: 400, 414, 431, 501 or 505
    std::string_view problem{};   // when bad: which rule was broken (static text)
    size_t line = 0;              // when bad: 1-based line of the head it concerns, 0 if none
};

// Parses one request head from the start of `in`. Bodies are not parsed: the
// caller looks at Content-Length / Transfer-Encoding itself.
ParseResult parse_request(std::string_view in, Request& out, const Limits& limits) noexcept;

// The problem as one line for the reply and the log: problems about a header
// line get its number ("header line 3 has no ':'"), others are returned as is.
std::string describe(const ParseResult& result);

}  // namespace http
