// HTTP/1.1 response heads and plain-text error replies. Only formats bytes;
// the caller sends them (and, for HEAD, leaves the body out).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace http {

// RFC 9110 §15 reason phrase, "Unknown" for codes we never send.
std::string_view reason_phrase(int status) noexcept;

struct ResponseHead {
    int status;
    std::string_view content_type{};
    // Sent for every status but 1xx and 204, which must not carry it (RFC 9110
    // §8.6). For 304, pass the length the 200 would have had.
    uint64_t content_length = 0;
    bool keep_alive = true;            // false -> "Connection: close"
    std::string_view extra_headers{};  // already formatted lines, each ending CRLF
};

// Status line, Content-Type if set, Content-Length, "Connection: close" when
// !keep_alive (keep-alive is implicit in HTTP/1.1; an HTTP/1.0 client that
// asked for it needs "Connection: keep-alive\r\n" in extra_headers), the extra
// headers and the blank line.
void append_head(std::string& out, const ResponseHead& head);

// A whole text/plain reply whose body is "<status> <reason>: <message>\n",
// e.g. "404 Not Found: /app.jss\n" ("<status> <reason>\n" when message is empty).
// extra_headers as in ResponseHead ("Allow: GET, HEAD, OPTIONS\r\n" for a 405).
void append_error(std::string& out, int status, std::string_view message, bool keep_alive,
                  std::string_view extra_headers = {});

// The 503 problem when a descriptor cannot be had (EMFILE, ENFILE), and the
// whole reply, as sent at accept time and for a file or registry read.
inline constexpr std::string_view kOutOfDescriptors = "out of file descriptors; try again";
inline constexpr std::string_view kRetrySoon = "Retry-After: 1\r\n";
std::string out_of_descriptors_reply();

// IMF-fixdate (RFC 9110 §5.6.7) of a Unix time, e.g. 784111777 ->
// "Sun, 06 Nov 1994 08:49:37 GMT", for Date and Last-Modified.
std::string http_date(int64_t unix_seconds);

// Reads any of the three HTTP-date forms a recipient must accept (RFC 9110
// §5.6.7): IMF-fixdate, rfc850-date, asctime-date. False when it is none.
bool parse_http_date(std::string_view text, int64_t& unix_seconds) noexcept;

}  // namespace http
