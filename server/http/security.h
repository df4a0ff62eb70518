// Host and Origin checks that keep a web page on another site from talking to
// our loopback servers: a DNS-rebinding page reaches 127.0.0.1 under its own
// host name, which shows in Host; a cross-site page shows in Origin.
#pragma once

#include <string>
#include <string_view>

namespace http {

// "localhost" (any case), "127.0.0.1" or "[::1]", each with an optional
// ":port" of 1-5 digits in 1-65535. Everything else is false, including
// "localhost.evil.com", "127.0.0.1.nip.io", "[::1]x" and "".
bool is_loopback_host(std::string_view host_header) noexcept;

// Host naming the numeric address the server listens on, or the name it is
// advertised by (--advertise), with an optional port: "127.0.0.2",
// "127.0.0.2:8080", "[fe80::1]:80", "DevBox:80" for address "127.0.0.2",
// "fe80::1" or name "devbox" (compared as written but for letter case;
// canonical text is what the url in the registry uses). False for an empty
// address and the wildcards 0.0.0.0 and ::, which are no name a client
// should use.
bool is_host_of(std::string_view host_header, std::string_view address) noexcept;

// The Host rule of both servers: a loopback host, or is_host_of() the
// address listened on (--host) or the advertised name (--advertise).
bool is_own_host(std::string_view host_header, std::string_view listen_address,
                 std::string_view advertised_name) noexcept;
// Why is_own_host() said no, for the 403, naming every accepted name besides
// the loopback ones: "Host 'evil.example' is not a loopback name", "... is
// not a loopback name or the advertised name (devbox)", "... is not a
// loopback name, the listening address (10.0.0.5) or the advertised name
// (devbox)". The Host is cut to 100 bytes.
std::string host_refusal(std::string_view host_header, std::string_view listen_address,
                         std::string_view advertised_name);

// "http://" or "https://" followed by a loopback host as above and nothing
// more (no path). "null" and every other origin are false.
bool is_loopback_origin(std::string_view origin) noexcept;

}  // namespace http
