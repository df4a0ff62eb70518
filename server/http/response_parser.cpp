// RFC 9112 response parser, client side. Implemented: status line of
// HTTP/1.0 and HTTP/1.1 (a later 1.x is read as 1.1) with a three-digit code
// 100-599 and any reason (or none); header fields as for requests (fields.h);
// bodies framed by Content-Length, by chunked coding (extensions ignored,
// trailers skipped) or by the connection's close (§6.3: no length); 1xx
// interim responses skipped; no body for a HEAD request, 204 and 304. CRLF or
// bare LF ends a line.
// Refused: other HTTP versions, 101 (no upgrade is ever asked for), obs-fold,
// disagreeing Content-Lengths, Content-Length with Transfer-Encoding (§6.3
// calls it smuggling), Transfer-Encoding in HTTP/1.0 or not exactly chunked,
// chunk sizes that are not hex or overflow 64 bits, chunk data not followed
// by CRLF, and heads, chunk lines or trailers over the limits.
#include "http/response_parser.h"

#include <algorithm>
#include <span>

#include "base/ascii.h"

namespace http {
namespace {

constexpr std::string_view kBareCr = "bare CR not followed by LF";

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    c = base::ascii_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Where the LF ending the line that starts at in[at] is, or npos when it has
// not arrived within `window` bytes.
size_t line_end(std::string_view in, size_t at, size_t window) noexcept {
    return find_byte(in.substr(0, std::min(in.size(), at + window)), '\n', at);
}

std::string_view strip_cr(std::string_view line) noexcept {
    return !line.empty() && line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
}

}  // namespace

std::string_view Response::header(std::string_view name) const noexcept {
    return find_header(std::span(headers.data(), header_count), name);
}

bool Response::has_token(std::string_view name, std::string_view token) const noexcept {
    return http::has_token(std::span(headers.data(), header_count), name, token);
}

void ResponseParser::expect(bool head_request) noexcept {
    response_ = Response{};
    state_ = State::head;
    head_request_ = head_request;
    scanned_ = 0;
    remaining_ = 0;
    trailer_bytes_ = 0;
    seen_ = 0;
}

ResponseParser::Progress ResponseParser::failed(std::string_view problem, size_t line) noexcept {
    state_ = State::bad;
    bad_ = Step{Got::bad, 0, {}, problem, line};
    return Progress::failed;
}

ResponseParser::Progress ResponseParser::parse_head(std::string_view head) noexcept {
    Response& r = response_;
    r.header_count = 0;
    size_t max_headers = std::min(limits_.max_headers, kMaxHeaders);
    size_t line_number = 0;
    for (size_t start = 0;;) {
        size_t lf = find_byte(head, '\n', start);
        std::string_view line = strip_cr(head.substr(start, lf - start));
        start = lf + 1;
        ++line_number;
        if (find_byte(line, '\r') != std::string_view::npos) return failed(kBareCr, line_number);
        if (line.empty()) break;  // the blank line ends the head
        if (line_number == 1) {
            // HTTP-version SP 3DIGIT [SP reason-phrase] (§4; the reason may be absent).
            bool version_ok = line.size() >= 8 && line.substr(0, 5) == "HTTP/" && is_digit(line[5]) &&
                              line[6] == '.' && is_digit(line[7]);
            if (!version_ok || (line.size() > 8 && line[8] != ' '))
                return failed("status line does not start with 'HTTP/1.x '", 1);
            if (line[5] != '1') return failed("HTTP version not supported (only HTTP/1.0 and HTTP/1.1)", 1);
            r.version_minor = line[7] == '0' ? 0 : 1;
            std::string_view code = line.size() > 9 ? line.substr(9, 3) : std::string_view{};
            bool three = code.size() == 3 && std::all_of(code.begin(), code.end(), is_digit) &&
                         (line.size() == 12 || line[12] == ' ');
            if (!three) return failed("status code is not three digits", 1);
            if (code[0] < '1' || code[0] > '5') return failed("status code is not in 100-599", 1);
            r.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
            r.reason = line.size() > 13 ? line.substr(13) : std::string_view{};
            for (char c : r.reason)
                if (is_ctl(c) && c != '\t') return failed("reason phrase contains a control character", 1);
            if (r.status == 101) return failed("101 Switching Protocols, but no upgrade was asked for", 1);
            continue;
        }
        Header header;
        std::string_view problem = parse_field_line(line, header);
        if (!problem.empty()) return failed(problem, line_number);
        if (r.header_count >= max_headers) return failed("too many header fields", line_number);
        r.headers[r.header_count++] = header;
    }
    if (line_number == 1) return failed("status line is empty", 1);

    // Framing (§6.3): checked on every head, used only where a body can be.
    std::span<const Header> headers(r.headers.data(), r.header_count);
    bool have_length = false, have_coding = false;
    for (size_t i = 0; i < r.header_count; ++i) {
        if (base::iequals(r.headers[i].name, "Transfer-Encoding")) have_coding = true;
        if (!base::iequals(r.headers[i].name, "Content-Length")) continue;
        std::string_view problem = parse_content_length(r.headers[i].value, have_length, r.content_length);
        if (!problem.empty()) return failed(problem, i + 2);
    }
    if (have_length && have_coding) return failed("both Content-Length and Transfer-Encoding");
    if (have_coding) {
        if (r.version_minor == 0) return failed("Transfer-Encoding in an HTTP/1.0 response");
        std::string_view problem = check_transfer_encoding(headers);
        if (!problem.empty()) return failed(problem);
    }
    bool no_body = head_request_ || r.status < 200 || r.status == 204 || r.status == 304;
    r.framing = no_body                     ? Framing::none
                : have_coding               ? Framing::chunked
                : have_length               ? (r.content_length ? Framing::length : Framing::none)
                                            : Framing::close;
    r.keep_alive = !r.has_token("Connection", "close") &&
                   (r.version_minor >= 1 || r.has_token("Connection", "keep-alive")) && r.framing != Framing::close;
    return Progress::advanced;
}

// Finds the end of the head that starts at in[at] and parses it. Only memchr
// and a few compares per byte, resumed where the last call stopped.
ResponseParser::Progress ResponseParser::read_head(std::string_view in, size_t& at) noexcept {
    std::string_view rest = in.substr(at);
    std::string_view window = rest.substr(0, std::min(rest.size(), limits_.max_head_bytes));
    size_t end = 0;
    for (size_t lf = find_byte(window, '\n', scanned_); lf != std::string_view::npos && !end;
         lf = find_byte(window, '\n', lf + 1)) {
        scanned_ = lf;  // when the bytes after this LF are not in yet, look again from here
        if (lf + 1 < window.size() && window[lf + 1] == '\n')
            end = lf + 2;
        else if (lf + 2 < window.size() && window[lf + 1] == '\r' && window[lf + 2] == '\n')
            end = lf + 3;
        else if (lf + 2 >= window.size() && (lf + 1 == window.size() || window[lf + 1] == '\r'))
            break;
        else
            scanned_ = lf + 1;
    }
    if (!end) {
        if (rest.size() >= limits_.max_head_bytes) return failed("response head is larger than the limit");
        if (find_byte(window, '\n', scanned_) == std::string_view::npos) scanned_ = window.size();
        return Progress::wait;
    }
    if (parse_head(rest.substr(0, end)) == Progress::failed) return Progress::failed;
    at += end;
    scanned_ = 0;
    if (response_.status < 200) {  // interim (100, 102, 103): skipped, the real head follows
        response_ = Response{};
        return Progress::advanced;
    }
    state_ = response_.framing == Framing::none      ? State::done
             : response_.framing == Framing::length  ? State::length_body
             : response_.framing == Framing::chunked ? State::chunk_size
                                                     : State::close_body;
    remaining_ = response_.content_length;
    return Progress::advanced;
}

// chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (§7.1).
ResponseParser::Progress ResponseParser::read_chunk_size(std::string_view in, size_t& at) noexcept {
    size_t lf = line_end(in, at, limits_.max_chunk_line + 1);
    if (lf == std::string_view::npos) {
        if (in.size() - at > limits_.max_chunk_line) return failed("chunk size line is longer than the limit");
        return Progress::wait;
    }
    std::string_view line = strip_cr(in.substr(at, lf - at));
    if (find_byte(line, '\r') != std::string_view::npos) return failed(kBareCr);
    uint64_t size = 0;
    size_t digits = 0;
    for (; digits < line.size() && hex_value(line[digits]) >= 0; ++digits) {
        if (size > (UINT64_MAX >> 4)) return failed("chunk size overflows 64 bits");
        size = (size << 4) | static_cast<uint64_t>(hex_value(line[digits]));
    }
    if (digits == 0) return failed("chunk size is not hexadecimal");
    std::string_view after = trim_ows(line.substr(digits));  // BWS before ';' (§7.1.1)
    if (!after.empty() && after.front() != ';') return failed("chunk size is followed by something other than ';'");
    at = lf + 1;
    remaining_ = size;
    state_ = size ? State::chunk_data : State::trailers;
    return Progress::advanced;
}

// The CRLF after chunk data.
ResponseParser::Progress ResponseParser::read_chunk_end(std::string_view in, size_t& at) noexcept {
    if (at == in.size() || (in[at] == '\r' && at + 1 == in.size())) return Progress::wait;
    if (in[at] == '\n')
        at += 1;
    else if (in[at] == '\r' && in[at + 1] == '\n')
        at += 2;
    else
        return failed("chunk data is not followed by CRLF");
    state_ = State::chunk_size;
    return Progress::advanced;
}

// trailer-section = *( field-line CRLF ) CRLF: skipped, within the limit.
ResponseParser::Progress ResponseParser::read_trailer_line(std::string_view in, size_t& at) noexcept {
    size_t allowed = limits_.max_trailer_bytes - trailer_bytes_;
    size_t lf = line_end(in, at, allowed);
    if (lf == std::string_view::npos) {
        if (in.size() - at >= allowed) return failed("trailer section is larger than the limit");
        return Progress::wait;
    }
    std::string_view line = strip_cr(in.substr(at, lf - at));
    if (find_byte(line, '\r') != std::string_view::npos) return failed(kBareCr);
    trailer_bytes_ += lf + 1 - at;
    at = lf + 1;
    if (line.empty()) state_ = State::done;
    return Progress::advanced;
}

Step ResponseParser::next(std::string_view in) noexcept {
    size_t at = 0;
    auto taken = [&](Step step) {
        step.consumed = at;
        seen_ += at;
        return step;
    };
    auto body = [&](size_t size) {
        Step step{Got::body, 0, in.substr(at, size)};
        at += size;
        return taken(step);
    };
    while (true) {
        Progress progress = Progress::advanced;
        switch (state_) {
            case State::head:
                progress = read_head(in, at);
                if (progress == Progress::advanced && state_ != State::head) return taken(Step{Got::head});
                break;
            case State::length_body:
            case State::chunk_data: {
                if (at == in.size()) return taken(Step{});
                size_t size = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - at));
                remaining_ -= size;
                if (remaining_ == 0) state_ = state_ == State::length_body ? State::done : State::chunk_end;
                return body(size);
            }
            case State::close_body:
                if (at == in.size()) return taken(Step{});
                return body(in.size() - at);
            case State::chunk_end:
                progress = read_chunk_end(in, at);
                break;
            case State::chunk_size:
                progress = read_chunk_size(in, at);
                break;
            case State::trailers:
                progress = read_trailer_line(in, at);
                break;
            case State::done:
                return taken(Step{Got::done});
            case State::bad:
                return bad_;
        }
        if (progress == Progress::failed) return bad_;
        if (progress == Progress::wait) return taken(Step{});
    }
}

Step ResponseParser::end_of_input(std::string_view in) noexcept {
    if (state_ == State::bad) return bad_;
    if (state_ == State::close_body && in.empty()) {
        state_ = State::done;
        return Step{Got::done};
    }
    if (state_ == State::done) return Step{Got::done};
    if (state_ == State::head)
        failed(seen_ == 0 && in.empty() ? "connection closed before the response"
                                        : "connection closed inside the response head");
    else if (state_ == State::length_body)
        failed("connection closed before the end of the body (Content-Length)");
    else
        failed("connection closed inside the chunked body");
    return bad_;
}

std::string describe(const Step& step) { return describe_problem(step.problem, step.line); }

}  // namespace http
