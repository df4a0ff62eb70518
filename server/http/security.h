// Host and Origin checks that keep a web page on another site from talking to
// our loopback servers: a DNS-rebinding page reaches 127.0.0.1 under its own
// host name, which shows in Host; a cross-site page shows in Origin.
#pragma once

#include <string_view>

namespace http {

// "localhost" (any case), "127.0.0.1" or "[::1]", each with an optional
// ":port" of 1-5 digits in 1-65535. Everything else is false, including
// "localhost.evil.com", "127.0.0.1.nip.io", "[::1]x" and "".
bool is_loopback_host(std::string_view host_header) noexcept;

// "http://" or "https://" followed by a loopback host as above and nothing
// more (no path). "null" and every other origin are false.
bool is_loopback_origin(std::string_view origin) noexcept;

}  // namespace http
