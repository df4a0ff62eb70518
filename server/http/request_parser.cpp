// RFC 9112 request head parser, server side.
// Implemented: request-line with origin-form, absolute-form (http/https) and
// asterisk-form (OPTIONS only) targets; HTTP/1.0 and HTTP/1.1; header fields
// with optional whitespace trimmed; CRLF or bare LF line ends and a few empty
// lines before the request-line (both allowed by §2.2).
// Refused with 400: bare CR, obs-fold (§5.2), whitespace before ':' (§5.1),
// authority-form (no CONNECT here), a missing or repeated Host (§3.2), a
// repeated Origin (RFC 6454 §7.3 allows one), and the
// framing that request smuggling relies on (§6.1, §6.3): Content-Length with
// Transfer-Encoding, disagreeing Content-Lengths, Transfer-Encoding in
// HTTP/1.0 or not exactly "chunked". Other codings: 501. HTTP/1.2 and later 1.x are
// read as 1.1 (RFC 9112 §2.3); other major versions: 505.
// A head over a limit fails as soon as the limit is passed (414, 431), so a
// client can never make the caller buffer more than the limits.
#include "http/request_parser.h"

#include <algorithm>
#include <span>

#include "base/ascii.h"
#include "http/fields.h"

namespace http {
namespace {

constexpr size_t kMaxLeadingEmptyLines = 4;
constexpr std::string_view kBareCr = "bare CR not followed by LF";

ParseResult bad(int http_status, std::string_view problem, size_t line) noexcept {
    ParseResult result;
    result.status = Parse::bad;
    result.http_status = http_status;
    result.problem = problem;
    result.line = line;
    return result;
}

// Internal "no verdict yet, go on" marker: a done status with nothing consumed.
ParseResult go_on() noexcept { return ParseResult{Parse::done}; }
ParseResult need_more() noexcept { return ParseResult{Parse::need_more}; }

using base::iequals;

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Skips the empty lines a client may send before the request-line; `offset`
// is left at the first byte of the request-line.
ParseResult skip_empty_lines(std::string_view in, size_t& offset) noexcept {
    size_t skipped = 0;
    offset = 0;
    while (offset < in.size()) {
        if (in[offset] == '\n') {
            offset += 1;
        } else if (in[offset] == '\r') {
            if (offset + 1 == in.size()) return need_more();
            if (in[offset + 1] != '\n') return bad(400, kBareCr, 1);
            offset += 2;
        } else {
            return go_on();
        }
        if (++skipped > kMaxLeadingEmptyLines)
            return bad(400, "too many empty lines before the request line", 0);
    }
    return need_more();
}

// Checks the limits against what has arrived and finds the end of the head
// (just past its blank line). Only memchr and a few compares, because a client
// sending one byte at a time has this run once per byte on a growing buffer.
ParseResult find_head_end(std::string_view head, const Limits& limits, size_t& head_end) noexcept {
    // A request-line of max_request_line bytes ends at most 2 bytes later (CRLF).
    size_t line_window = std::min(head.size(), limits.max_request_line + 2);
    size_t first_lf = find_byte(head.substr(0, line_window), '\n');
    if (first_lf == std::string_view::npos) {
        size_t line_so_far = head.size() - (head.back() == '\r' ? 1 : 0);
        if (head.size() >= limits.max_request_line + 2 || line_so_far > limits.max_request_line)
            return bad(414, "request line is longer than the limit", 1);
        if (head.size() >= limits.max_header_bytes) return bad(431, "request head is larger than the limit", 0);
        return need_more();
    }
    size_t line_length = first_lf - (first_lf > 0 && head[first_lf - 1] == '\r' ? 1 : 0);
    if (line_length > limits.max_request_line) return bad(414, "request line is longer than the limit", 1);

    // The head ends at the first LF followed by LF or CRLF, and must fit in the window.
    size_t window = std::min(head.size(), limits.max_header_bytes);
    for (size_t lf = first_lf; lf < window; lf = find_byte(head.substr(0, window), '\n', lf + 1)) {
        if (lf + 1 < window && head[lf + 1] == '\n') {
            head_end = lf + 2;
            return go_on();
        }
        if (lf + 2 < window && head[lf + 1] == '\r' && head[lf + 2] == '\n') {
            head_end = lf + 3;
            return go_on();
        }
    }
    if (head.size() >= limits.max_header_bytes) return bad(431, "request head is larger than the limit", 0);
    return need_more();
}

ParseResult check_version(std::string_view version, Request& out) noexcept {
    bool well_formed = version.size() == 8 && version.substr(0, 5) == "HTTP/" && is_digit(version[5]) &&
                       version[6] == '.' && is_digit(version[7]);
    if (!well_formed) return bad(400, "request line does not end in a valid HTTP version", 1);
    if (version[5] != '1') return bad(505, "HTTP version not supported (only HTTP/1.0 and HTTP/1.1)", 1);
    // A later 1.x is read as 1.1, the highest minor version here (RFC 9112 §2.3).
    out.version_minor = version[7] == '0' ? 0 : 1;
    return go_on();
}

ParseResult check_target(std::string_view target, std::string_view method) noexcept {
    if (target.empty()) return bad(400, "request target is empty", 1);
    for (char c : target) {
        if (c == ' ') return bad(400, "request target contains a space", 1);
        if (is_ctl(c)) return bad(400, "request target contains a control character", 1);
        if (static_cast<unsigned char>(c) >= 0x80) return bad(400, "request target contains a non-ASCII byte", 1);
    }
    if (target.front() == '/') return go_on();
    if (target == "*")
        return method == "OPTIONS" ? go_on() : bad(400, "request target '*' is only allowed with OPTIONS", 1);
    if (istarts_with(target, "http://") || istarts_with(target, "https://")) {
        std::string_view rest = target.substr(target.find("://") + 3);
        if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#')
            return bad(400, "absolute-form request target has no host", 1);
        return go_on();
    }
    return bad(400, "request target is not '/path', 'http://host/path' or '*'", 1);
}

ParseResult parse_request_line(std::string_view line, Request& out) noexcept {
    size_t first_space = find_byte(line, ' ');
    size_t last_space = line.rfind(' ');
    if (first_space == std::string_view::npos || first_space == last_space)
        return bad(400, "request line is not 'method target version'", 1);
    out.method = line.substr(0, first_space);
    out.target = line.substr(first_space + 1, last_space - first_space - 1);
    if (!is_token(out.method)) return bad(400, "method is not a token", 1);
    ParseResult version = check_version(line.substr(last_space + 1), out);
    if (version.status == Parse::bad) return version;
    return check_target(out.target, out.method);
}

ParseResult parse_header_line(std::string_view line, size_t line_number, Request& out,
                              size_t max_headers) noexcept {
    Header header;
    std::string_view problem = parse_field_line(line, header);
    if (!problem.empty()) return bad(400, problem, line_number);
    if (out.header_count >= max_headers) return bad(431, "too many header fields", line_number);
    out.headers[out.header_count++] = header;
    return go_on();
}

ParseResult check_content_length(std::string_view value, size_t line, bool& seen, uint64_t& length) noexcept {
    std::string_view problem = parse_content_length(value, seen, length);
    return problem.empty() ? go_on() : bad(400, problem, line);
}

ParseResult check_transfer_encoding(const Request& request, size_t line) noexcept {
    if (request.version_minor == 0) return bad(400, "Transfer-Encoding in an HTTP/1.0 request", line);
    std::string_view problem = http::check_transfer_encoding(std::span(request.headers.data(), request.header_count));
    if (problem.empty()) return go_on();
    return bad(problem == kUnknownCoding ? 501 : 400, problem, line);
}

ParseResult check_framing(const Request& request) noexcept {
    size_t hosts = 0, origins = 0, content_length_line = 0, transfer_encoding_line = 0;
    bool have_length = false;
    uint64_t length = 0;
    for (size_t i = 0; i < request.header_count; ++i) {
        const Header& header = request.headers[i];
        size_t line = i + 2;  // line 1 is the request-line
        if (iequals(header.name, "Host")) {
            if (++hosts > 1) return bad(400, "more than one Host header", line);
        } else if (iequals(header.name, "Origin")) {
            // Which one would the Origin check judge? Neither: refused.
            if (++origins > 1) return bad(400, "more than one Origin header", line);
        } else if (iequals(header.name, "Content-Length")) {
            ParseResult checked = check_content_length(header.value, line, have_length, length);
            if (checked.status == Parse::bad) return checked;
            content_length_line = line;
        } else if (iequals(header.name, "Transfer-Encoding")) {
            transfer_encoding_line = line;
        }
    }
    if (request.version_minor == 1 && hosts == 0) return bad(400, "HTTP/1.1 request has no Host header", 0);
    if (content_length_line && transfer_encoding_line)
        return bad(400, "both Content-Length and Transfer-Encoding",
                   std::max(content_length_line, transfer_encoding_line));
    if (transfer_encoding_line) return check_transfer_encoding(request, transfer_encoding_line);
    return go_on();
}

// `head` is complete: it ends with its blank line.
ParseResult parse_head(std::string_view head, Request& out, const Limits& limits) noexcept {
    size_t max_headers = std::min(limits.max_headers, kMaxHeaders);
    size_t line_number = 0;
    for (size_t start = 0;;) {
        size_t lf = find_byte(head, '\n', start);
        std::string_view line = head.substr(start, lf - start);
        start = lf + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (find_byte(line, '\r') != std::string_view::npos) return bad(400, kBareCr, line_number);
        if (line.empty()) break;  // the blank line: find_head_end made it the last one
        ParseResult parsed = line_number == 1 ? parse_request_line(line, out)
                                              : parse_header_line(line, line_number, out, max_headers);
        if (parsed.status == Parse::bad) return parsed;
    }
    return check_framing(out);
}

}  // namespace

std::string_view Request::header(std::string_view name) const noexcept {
    return find_header(std::span(headers.data(), header_count), name);
}

bool Request::has_token(std::string_view name, std::string_view token) const noexcept {
    return http::has_token(std::span(headers.data(), header_count), name, token);
}

bool Request::keep_alive() const noexcept {
    if (has_token("Connection", "close")) return false;
    return version_minor >= 1 || has_token("Connection", "keep-alive");
}

std::string_view Request::host() const noexcept {
    size_t scheme_end = target.find("://");
    if (target.empty() || target.front() == '/' || scheme_end == std::string_view::npos) return header("Host");
    std::string_view rest = target.substr(scheme_end + 3);
    return rest.substr(0, rest.find_first_of("/?#"));
}

std::string_view Request::path() const noexcept {
    size_t scheme_end = target.find("://");
    if (target.empty() || target.front() == '/' || scheme_end == std::string_view::npos) return target;
    size_t slash = target.find('/', scheme_end + 3);
    return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
}

ParseResult parse_request(std::string_view in, Request& out, const Limits& limits) noexcept {
    out.header_count = 0;
    size_t start = 0;
    ParseResult step = skip_empty_lines(in, start);
    if (step.status != Parse::done) return step;
    std::string_view head = in.substr(start);
    size_t head_end = 0;
    step = find_head_end(head, limits, head_end);
    if (step.status != Parse::done) return step;
    step = parse_head(head.substr(0, head_end), out, limits);
    if (step.status != Parse::done) return step;
    step.consumed = start + head_end;
    return step;
}

std::string describe(const ParseResult& result) { return describe_problem(result.problem, result.line); }

}  // namespace http
