#include "http/fields.h"

#include <algorithm>

#include "base/ascii.h"

namespace http {

bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) noexcept { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

std::string_view parse_field_line(std::string_view line, Header& out) noexcept {
    if (is_ows(line.front())) return "header line starts with whitespace (obs-fold)";
    size_t colon = find_byte(line, ':');
    if (colon == std::string_view::npos) return "header line has no ':'";
    std::string_view name = line.substr(0, colon);
    if (name.empty()) return "header line has an empty name";
    if (is_ows(name.back())) return "header line has whitespace before ':'";
    if (!is_token(name)) return "header line has a name that is not a token";
    std::string_view value = trim_ows(line.substr(colon + 1));
    for (char c : value)
        if (is_ctl(c) && c != '\t') return "header line has a control character in its value";
    out = Header{name, value};
    return {};
}

std::string_view parse_content_length(std::string_view value, bool& seen, uint64_t& length) noexcept {
    if (value.empty() || !std::all_of(value.begin(), value.end(), is_digit))
        return "Content-Length is not a decimal number";
    // 18 digits always fit in uint64_t; no real body comes near it.
    if (value.size() > 18) return "Content-Length has more than 18 digits";
    uint64_t parsed = 0;
    for (char c : value) parsed = parsed * 10 + static_cast<uint64_t>(c - '0');
    if (seen && parsed != length) return "Content-Length headers disagree";
    seen = true;
    length = parsed;
    return {};
}

std::string_view check_transfer_encoding(std::span<const Header> headers) noexcept {
    size_t chunked = 0;
    bool unknown = false;
    for (const Header& header : headers) {
        if (!base::iequals(header.name, "Transfer-Encoding")) continue;
        for_each_list_element(header.value, [&](std::string_view coding) {
            if (base::iequals(coding, "chunked"))
                ++chunked;
            else
                unknown = true;
            return true;
        });
    }
    if (unknown) return kUnknownCoding;
    if (chunked == 0) return "Transfer-Encoding is empty";
    if (chunked > 1) return "Transfer-Encoding has chunked more than once";
    return {};
}

std::string describe_problem(std::string_view problem, size_t line) {
    constexpr std::string_view kHeaderLine = "header line ";
    std::string text(problem);
    if (line > 0 && problem.substr(0, kHeaderLine.size()) == kHeaderLine)
        text.insert(kHeaderLine.size(), std::to_string(line) + " ");
    return text;
}

std::string_view find_header(std::span<const Header> headers, std::string_view name) noexcept {
    for (const Header& header : headers)
        if (base::iequals(header.name, name)) return header.value;
    return {};
}

bool has_token(std::span<const Header> headers, std::string_view name, std::string_view token) noexcept {
    bool found = false;
    for (const Header& header : headers) {
        if (found) break;
        if (!base::iequals(header.name, name)) continue;
        for_each_list_element(header.value, [&](std::string_view element) {
            found = base::iequals(element, token);
            return !found;
        });
    }
    return found;
}

}  // namespace http
