// The pieces of an HTTP/1.1 head that requests and responses share (RFC 9110
// §5, RFC 9112 §5): tokens, optional whitespace, comma-separated lists, one
// field line, Content-Length values. Pure, never allocating; used by
// request_parser.cpp and response_parser.cpp.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace http {

struct Header {
    std::string_view name;   // as sent (compare case-insensitively)
    std::string_view value;  // leading/trailing spaces and tabs trimmed
};

inline bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_ctl(char c) noexcept { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// RFC 9110 §5.6.2 tchar, and a token: one or more of them.
bool is_tchar(char c) noexcept;
bool is_token(std::string_view s) noexcept;
std::string_view trim_ows(std::string_view s) noexcept;

inline size_t find_byte(std::string_view s, char c, size_t from = 0) noexcept {
    if (from >= s.size()) return std::string_view::npos;
    const void* hit = std::memchr(s.data() + from, c, s.size() - from);
    return hit ? static_cast<size_t>(static_cast<const char*>(hit) - s.data()) : std::string_view::npos;
}

// Calls visit(token) for each non-empty element of a comma-separated list,
// OWS trimmed; stops early when visit returns false.
template <class Visit>
void for_each_list_element(std::string_view list, Visit visit) noexcept {
    while (true) {
        size_t comma = find_byte(list, ',');
        std::string_view element = trim_ows(list.substr(0, comma));
        if (!element.empty() && !visit(element)) return;
        if (comma == std::string_view::npos) return;
        list.remove_prefix(comma + 1);
    }
}

// One field line without its line end: "Name: value". Refused: obs-fold
// (§5.2), no ':', an empty or non-token name, whitespace before ':' (§5.1), a
// control character other than HTAB in the value. Empty problem when fine.
std::string_view parse_field_line(std::string_view line, Header& out) noexcept;

// A Content-Length value: decimal, at most 18 digits (always fits in
// uint64_t). A repeat (`seen`) must carry the same number. Empty when fine.
std::string_view parse_content_length(std::string_view value, bool& seen, uint64_t& length) noexcept;

// The Transfer-Encoding headers among `headers`, judged as a framing we can
// delimit (RFC 9112 §6.1): exactly "chunked", once. Empty when fine; the
// problem "transfer coding not implemented (only chunked)" is kUnknownCoding.
inline constexpr std::string_view kUnknownCoding = "transfer coding not implemented (only chunked)";
std::string_view check_transfer_encoding(std::span<const Header> headers) noexcept;

// A problem as one line: problems about a header line get its number
// ("header line 3 has no ':'"), others are returned as is.
std::string describe_problem(std::string_view problem, size_t line);

// First header with this name (ASCII case-insensitive), or empty view.
std::string_view find_header(std::span<const Header> headers, std::string_view name) noexcept;
// True when any comma-separated element of header `name` equals `token`
// (case-insensitive), e.g. has_token(headers, "Connection", "close").
bool has_token(std::span<const Header> headers, std::string_view name, std::string_view token) noexcept;

}  // namespace http
