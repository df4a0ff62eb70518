// libFuzzer target: http::parse_request and, on every head it accepts, the
// WebSocket handshake answer. Input: byte 0 picks the limits (the defaults,
// or small ones so that 414/431 are reachable), the rest is the request.
// Invariants:
// - consumed <= size, the head ends in LF, every view points into the head,
//   header count within the limit, values trimmed, version 1.0 or 1.1;
// - a done head re-parses identically on its own (same consumed, same views);
// - fed as a growing buffer in random chunks (as a connection reads it), the
//   result is need_more until the whole head is in, and once a prefix is bad
//   every longer one is the same bad; every proper prefix of a head is need_more;
// - bad carries 400/414/431/501/505 and a problem; describe() names it;
// - the handshake answer is a well-formed response whose body length is its
//   Content-Length, and a 101 carries accept_key() of the request's key.
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/request_parser.h"
#include "websocket/handshake.h"

namespace {

const http::Limits kLimits[] = {{}, {}, {40, 200, 4}, {16, 64, 2}};

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

bool same(const http::ParseResult& a, const http::ParseResult& b) {
    return a.status == b.status && a.consumed == b.consumed && a.http_status == b.http_status &&
           a.problem == b.problem && a.line == b.line;
}

void check_request(std::string_view head, const http::Request& r, const http::Limits& limits) {
    FUZZ_CHECK(!r.method.empty() && inside(r.method, head), "method is a view into the head");
    FUZZ_CHECK(!r.target.empty() && inside(r.target, head), "target is a view into the head");
    FUZZ_CHECK(r.version_minor == 0 || r.version_minor == 1, "HTTP/1.0 or HTTP/1.1");
    FUZZ_CHECK(r.header_count <= limits.max_headers && r.header_count <= http::kMaxHeaders, "header count limit");
    for (size_t i = 0; i < r.header_count; ++i) {
        const http::Header& h = r.headers[i];
        FUZZ_CHECK(!h.name.empty() && inside(h.name, head) && inside(h.value, head), "header views into the head");
        FUZZ_CHECK(h.name.find_first_of(" \t:\r\n") == std::string_view::npos, "header name is a token");
        FUZZ_CHECK(h.value.find_first_of("\r\n") == std::string_view::npos, "no line break in a value");
        bool trimmed = h.value.empty() || (h.value.front() != ' ' && h.value.front() != '\t' &&
                                           h.value.back() != ' ' && h.value.back() != '\t');
        FUZZ_CHECK(trimmed, "values are trimmed");
    }
    std::string_view path = r.path();
    FUZZ_CHECK(path == "/" || inside(path, r.target), "path() is part of the target");
    (void)r.keep_alive();
    (void)r.host();
}

void check_response(const websocket::Handshake& answer, const http::Request& request) {
    std::string_view response = answer.response;
    size_t head_end = response.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string_view::npos, "the answer has a complete head");
    std::string status_line = "HTTP/1.1 " + std::to_string(answer.status) + " ";
    FUZZ_CHECK(response.substr(0, status_line.size()) == status_line, "status line carries the status");
    std::string_view head = response.substr(0, head_end + 2);
    std::string_view body = response.substr(head_end + 4);
    size_t content_length = std::string_view::npos;
    for (size_t line = head.find("\r\n") + 2; line < head.size();) {
        size_t end = head.find("\r\n", line);
        std::string_view field = head.substr(line, end - line);
        FUZZ_CHECK(field.find('\r') == std::string_view::npos && field.find('\n') == std::string_view::npos,
                   "no bare CR or LF in a response header");
        FUZZ_CHECK(field.find(": ") != std::string_view::npos, "each response header is 'Name: value'");
        if (field.substr(0, 16) == "Content-Length: ")
            content_length = std::strtoull(std::string(field.substr(16)).c_str(), nullptr, 10);
        line = end + 2;
    }
    if (answer.status == 101) {
        FUZZ_CHECK(body.empty() && answer.problem.empty(), "a 101 has no body");
        std::string accept = "Sec-WebSocket-Accept: " + websocket::accept_key(request.header("Sec-WebSocket-Key"));
        FUZZ_CHECK(head.find(accept + "\r\n") != std::string_view::npos, "the 101 carries accept_key(key)");
        return;
    }
    FUZZ_CHECK(answer.status == 400 || answer.status == 403 || answer.status == 405 || answer.status == 426,
               "refusals are 400, 403, 405 or 426");
    FUZZ_CHECK(!answer.problem.empty(), "a refusal says why");
    FUZZ_CHECK(content_length == body.size(), "Content-Length is the body's length");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const http::Limits& limits = kLimits[data[0] % std::size(kLimits)];
    std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);

    http::Request request;
    http::ParseResult whole = http::parse_request(in, request, limits);
    FUZZ_CHECK(whole.consumed <= in.size(), "consumed <= size");
    if (whole.status == http::Parse::bad) {
        int s = whole.http_status;
        FUZZ_CHECK(s == 400 || s == 414 || s == 431 || s == 501 || s == 505, "bad statuses");
        FUZZ_CHECK(!whole.problem.empty() && !http::describe(whole).empty(), "bad names the rule");
        FUZZ_CHECK(whole.consumed == 0, "bad consumes nothing");
    } else if (whole.status == http::Parse::need_more) {
        FUZZ_CHECK(whole.consumed == 0 && whole.http_status == 0, "need_more carries nothing");
    } else {
        FUZZ_CHECK(whole.consumed > 0 && in[whole.consumed - 1] == '\n', "a head ends with its blank line");
        std::string_view head = in.substr(0, whole.consumed);
        check_request(head, request, limits);
        http::Request again;
        http::ParseResult alone = http::parse_request(head, again, limits);
        FUZZ_CHECK(same(alone, whole), "a done head re-parses identically on its own");
        FUZZ_CHECK(again.method == request.method && again.target == request.target &&
                       again.version_minor == request.version_minor && again.header_count == request.header_count,
                   "the same request line and header count");
        for (size_t i = 0; i < request.header_count; ++i)
            FUZZ_CHECK(again.headers[i].name.data() == request.headers[i].name.data() &&
                           again.headers[i].value == request.headers[i].value,
                       "the same headers");
        http::Request before;
        FUZZ_CHECK(http::parse_request(head.substr(0, head.size() - 1), before, limits).status ==
                       http::Parse::need_more,
                   "a head less its last byte needs more");
        check_response(websocket::answer_handshake(request, websocket::HandshakePolicy{}), request);
    }

    // The connection's view: a buffer that grows a chunk at a time.
    fuzz::Rng rng(fuzz::hash(data, size));
    bool bad_seen = false;
    for (size_t fed = 0; fed < in.size();) {
        fed += rng.chunk(in.size() - fed);
        http::Request partial;
        http::ParseResult r = http::parse_request(in.substr(0, fed), partial, limits);
        if (whole.status == http::Parse::done && fed >= whole.consumed) {
            FUZZ_CHECK(same(r, whole), "with the whole head in, the result is the whole input's");
        } else if (r.status == http::Parse::bad || bad_seen) {
            FUZZ_CHECK(same(r, whole), "once bad, every longer input is the same bad");
            bad_seen = true;
        } else {
            FUZZ_CHECK(r.status == http::Parse::need_more, "an unfinished head needs more");
        }
    }
    return 0;
}
