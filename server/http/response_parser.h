// Incremental HTTP/1.1 response parser (RFC 9112), client side. Bytes in,
// events out: the head once it is whole, then the body piece by piece as it
// arrives (views into the caller's input, never copied), then done. It never
// touches a socket and never allocates.
//
// The caller keeps a buffer of what has arrived and calls next() with it
// until need_more, dropping `consumed` bytes after each call; `in` must start
// with the bytes the previous call left unconsumed. Views in a Step or in
// response() are valid until the caller's buffer changes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/fields.h"
#include "http/request_parser.h"

namespace http {

struct ResponseLimits {
    size_t max_head_bytes = 16 * 1024;    // status line, headers and blank line (each 1xx head too)
    size_t max_headers = 64;              // never above kMaxHeaders
    size_t max_chunk_line = 1024;         // a chunk-size line with its extensions
    size_t max_trailer_bytes = 16 * 1024; // the trailer section of a chunked body
};

// How the body is delimited (RFC 9112 §6.3).
enum class Framing : uint8_t { none, length, chunked, close };

struct Response {
    int version_minor = 1;       // HTTP/1.0 -> 0, HTTP/1.1 (and later 1.x) -> 1
    int status = 0;              // 200..599 (1xx heads are skipped)
    std::string_view reason{};   // as sent, possibly empty
    std::array<Header, kMaxHeaders> headers{};
    size_t header_count = 0;
    Framing framing = Framing::none;
    uint64_t content_length = 0;  // when framing is length
    // RFC 9112 §9.3: "Connection: close" closes; HTTP/1.1 persists; HTTP/1.0
    // only with "Connection: keep-alive". Never after a close-delimited body.
    bool keep_alive = false;

    std::string_view header(std::string_view name) const noexcept;
    bool has_token(std::string_view name, std::string_view token) const noexcept;
};

enum class Got : uint8_t { need_more, head, body, done, bad };

struct Step {
    Got got = Got::need_more;
    size_t consumed = 0;         // drop these bytes of `in` before the next call
    std::string_view body{};     // when body: a piece of it, a view into `in`
    std::string_view problem{};  // when bad: which rule was broken (static text)
    size_t line = 0;             // when bad: 1-based line of the head it concerns, 0 if none
};

class ResponseParser {
public:
    explicit ResponseParser(const ResponseLimits& limits = {}) noexcept : limits_(limits) {}

    // Starts the next response on the connection. `head_request`: it answers
    // a HEAD, so it has no body whatever its head says.
    void expect(bool head_request = false) noexcept;
    // The next event from what has arrived. After bad, the same bad again.
    Step next(std::string_view in) noexcept;
    // The peer closed the connection; `in` is what next() left unconsumed.
    // Done for a close-delimited body (or a response already done), else bad.
    Step end_of_input(std::string_view in) noexcept;
    // The head, once next() has said head (its views point into that input).
    const Response& response() const noexcept { return response_; }
    bool done() const noexcept { return state_ == State::done; }

private:
    enum class State : uint8_t { head, length_body, chunk_size, chunk_data, chunk_end, trailers, close_body, done, bad };
    enum class Progress : uint8_t { advanced, wait, failed };
    Progress read_head(std::string_view in, size_t& at) noexcept;
    Progress parse_head(std::string_view head) noexcept;
    Progress read_chunk_size(std::string_view in, size_t& at) noexcept;
    Progress read_chunk_end(std::string_view in, size_t& at) noexcept;
    Progress read_trailer_line(std::string_view in, size_t& at) noexcept;
    Progress failed(std::string_view problem, size_t line = 0) noexcept;

    ResponseLimits limits_;
    Response response_;
    State state_ = State::head;
    bool head_request_ = false;
    size_t scanned_ = 0;         // head: bytes of the head already searched for its end
    uint64_t remaining_ = 0;     // length_body, chunk_data: bytes still to come
    size_t trailer_bytes_ = 0;   // trailers: bytes of the trailer section so far
    uint64_t seen_ = 0;          // bytes consumed since expect()
    Step bad_;                   // what bad said, repeated
};

// The problem as one line ("header line 3 has no ':'"), as describe() for requests.
std::string describe(const Step& step);

// Splits a body stream into lines (etcd's watch: one JSON message per line,
// chunks not aligned with lines). A line ends at LF; a CR before it is
// dropped. Lines that lie whole in one piece are passed as views into it;
// only a line cut by a piece boundary is copied.
class LineSplitter {
public:
    explicit LineSplitter(size_t max_line = 1024 * 1024) : max_line_(max_line) {}
    // Calls on_line(std::string_view) for each line that `piece` completes.
    // False once a line is longer than max_line (nothing more is delivered).
    template <class OnLine>
    bool feed(std::string_view piece, OnLine&& on_line);
    bool partial() const noexcept { return !carry_.empty(); }  // an unfinished line is held
    static constexpr std::string_view kTooLong = "line is longer than the limit";

private:
    static std::string_view without_cr(std::string_view line) noexcept {
        return !line.empty() && line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
    }
    size_t max_line_;
    std::string carry_;
    bool failed_ = false;
};

template <class OnLine>
bool LineSplitter::feed(std::string_view piece, OnLine&& on_line) {
    while (!failed_ && !piece.empty()) {
        size_t lf = find_byte(piece, '\n');
        size_t take = lf == std::string_view::npos ? piece.size() : lf;
        // The limit counts the bytes before the LF (a CR among them).
        if (carry_.size() + take > max_line_) {
            failed_ = true;
            carry_.clear();
            break;
        }
        if (lf == std::string_view::npos) {
            carry_.append(piece);
            break;
        }
        if (carry_.empty()) {
            on_line(without_cr(piece.substr(0, lf)));
        } else {
            carry_.append(piece.substr(0, lf));
            std::string line = std::move(carry_);
            carry_.clear();
            on_line(without_cr(line));
        }
        piece.remove_prefix(lf + 1);
    }
    return !failed_;
}

}  // namespace http
