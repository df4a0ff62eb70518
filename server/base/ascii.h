// ASCII character classes and small token helpers for the protocol parsers
// (HTTP, WebSocket, JSON, ISO 8601): never locale-dependent, never touching
// bytes above 0x7F, the one home of each (tests/base/ascii_test.cpp).
#pragma once

#include <cstddef>
#include <string_view>

namespace base {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// RFC 5234 CTL: 0x00-0x1F and DEL.
constexpr bool is_ctl(char c) noexcept { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
// RFC 9110 §5.6.3 OWS: space and horizontal tab.
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// 0-15 for a hex digit of either case, -1 for anything else.
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Exactly `width` decimal digits at text[pos] as a number; -1 when any is
// missing or not a digit. For fixed-width fields (dates, times): width <= 9.
constexpr int fixed_digits(std::string_view text, size_t pos, size_t width) noexcept {
    if (pos > text.size() || text.size() - pos < width) return -1;
    int value = 0;
    for (size_t i = pos; i < pos + width; ++i) {
        if (!is_digit(text[i])) return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

constexpr std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// Calls visit(element) for each non-empty element of a comma-separated list
// (RFC 9110 §5.6.1: `#element`), OWS trimmed; stops early when visit returns false.
template <class Visit>
constexpr void for_each_list_element(std::string_view list, Visit visit) noexcept {
    while (true) {
        size_t comma = list.find(',');
        std::string_view element = trim_ows(list.substr(0, comma));
        if (!element.empty() && !visit(element)) return;
        if (comma == std::string_view::npos) return;
        list.remove_prefix(comma + 1);
    }
}

}  // namespace base
