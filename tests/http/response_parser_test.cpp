#include "http/response_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace std::literals;

namespace http {
namespace {

// What a connection would see: the head, the body joined, and how it ended.
struct Outcome {
    Got end = Got::need_more;  // done, bad, or need_more when the input ran out
    std::string problem;       // describe() of a bad
    int heads = 0;
    int status = 0, version_minor = -1;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> headers;
    Framing framing = Framing::none;
    bool keep_alive = false;
    std::string body;
    std::string leftover;  // input after a done response

    bool operator==(const Outcome&) const = default;
};

// Feeds `pieces` one after another into a growing buffer, as a connection
// reads them, then the close when `eof`.
Outcome run(const std::vector<std::string_view>& pieces, bool eof, bool head_request = false,
            const ResponseLimits& limits = {}) {
    ResponseParser parser(limits);
    parser.expect(head_request);
    Outcome out;
    std::string buffer;
    auto handle = [&](const Step& step) {
        if (step.got == Got::head) {
            const Response& r = parser.response();
            ++out.heads;
            out.status = r.status;
            out.version_minor = r.version_minor;
            out.reason = r.reason;
            for (size_t i = 0; i < r.header_count; ++i) out.headers.emplace_back(r.headers[i].name, r.headers[i].value);
            out.framing = r.framing;
            out.keep_alive = r.keep_alive;
        } else if (step.got == Got::body) {
            EXPECT_FALSE(step.body.empty());
            EXPECT_TRUE(step.body.data() >= buffer.data() &&
                        step.body.data() + step.body.size() <= buffer.data() + buffer.size())
                << "a body piece is a view into the input";
            out.body += step.body;
        } else if (step.got == Got::bad) {
            out.problem = describe(step);
        }
        out.end = step.got;
    };
    for (std::string_view piece : pieces) {
        buffer += piece;
        while (out.end != Got::done && out.end != Got::bad) {
            Step step = parser.next(buffer);
            EXPECT_LE(step.consumed, buffer.size());
            handle(step);
            buffer.erase(0, step.consumed);
            if (step.got == Got::need_more) break;
        }
    }
    if (eof && out.end == Got::need_more) handle(parser.end_of_input(buffer));
    if (out.end == Got::done) out.leftover = buffer;
    return out;
}

// The same input whole, cut at every byte boundary, and byte by byte: all
// must give the whole input's outcome.
Outcome run_every_split(std::string_view in, bool eof, bool head_request = false, const ResponseLimits& limits = {}) {
    Outcome whole = run({in}, eof, head_request, limits);
    for (size_t cut = 0; cut <= in.size(); ++cut)
        EXPECT_EQ(run({in.substr(0, cut), in.substr(cut)}, eof, head_request, limits), whole) << "cut at " << cut;
    std::vector<std::string_view> bytes;
    for (size_t i = 0; i < in.size(); ++i) bytes.push_back(in.substr(i, 1));
    EXPECT_EQ(run(bytes, eof, head_request, limits), whole) << "byte by byte";
    return whole;
}

// ---- valid responses -------------------------------------------------------------

struct GoodCase {
    const char* name;
    std::string input;
    bool eof = false;
    bool head_request = false;
    int status;
    std::string body;
    Framing framing;
    bool keep_alive;
    std::string leftover = "";
};

const std::vector<GoodCase>& good_cases() {
    static const std::vector<GoodCase> cases = {
        {"content_length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, false, 200, "hello",
         Framing::length, true},
        {"chunked_with_extensions_and_trailers",
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=v;x\r\nhello\r\n6 ; q=\"a;b\"\r\n world\r\n"
         "0\r\nX-Trailer: t\r\nY: u\r\n\r\n",
         false, false, 200, "hello world", Framing::chunked, true},
        {"chunked_hex_case_and_leading_zeros",
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n00000000000000000000A\r\n0123456789\r\n1b\r\n"
         "abcdefghijklmnopqrstuvwxyz!\r\n000\r\n\r\n",
         false, false, 200, "0123456789abcdefghijklmnopqrstuvwxyz!", Framing::chunked, true},
        {"chunked_empty", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false, false, 200, "",
         Framing::chunked, true},
        {"http10_until_close", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the close", true, false, 200,
         "until the close", Framing::close, false},
        {"http11_no_length_until_close", "HTTP/1.1 200 OK\r\n\r\nbody", true, false, 200, "body", Framing::close,
         false},
        {"http10_keep_alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false,
         false, 200, "ok", Framing::length, true},
        {"http10_without_keep_alive", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false, false, 200, "ok",
         Framing::length, false},
        {"connection_close", "HTTP/1.1 404 Not Found\r\nConnection: keep-alive, Close\r\nContent-Length: 1\r\n\r\nx",
         false, false, 404, "x", Framing::length, false},
        {"interim_responses_skipped",
         "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
         "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
         false, false, 200, "ok", Framing::length, true},
        {"no_content_204", "HTTP/1.1 204 No Content\r\n\r\n", false, false, 204, "", Framing::none, true},
        {"not_modified_304_with_length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", false, false,
         304, "", Framing::none, true},
        {"head_request", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", false, true, 200, "", Framing::none,
         true},
        {"zero_length", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", false, false, 200, "", Framing::none, true},
        {"identical_content_lengths", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\ncontent-length: 003\r\n\r\nabc",
         false, false, 200, "abc", Framing::length, true},
        {"bare_lf_lines", "HTTP/1.1 200 OK\nContent-Length:   2  \n\nok", false, false, 200, "ok", Framing::length,
         true},
        {"http12_read_as_11", "HTTP/1.2 500 Internal Server Error\r\nContent-Length: 1\r\n\r\n!", false, false, 500,
         "!", Framing::length, true},
        {"bytes_after_the_response_stay", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1", false, false,
         200, "ok", Framing::length, true, "HTTP/1.1"},
        {"chunked_then_next_response", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\nx\n0\n\nNEXT", false,
         false, 200, "x", Framing::chunked, true, "NEXT"},
    };
    return cases;
}

TEST(ResponseParser, ValidResponsesAtEverySplit) {
    for (const GoodCase& c : good_cases()) {
        SCOPED_TRACE(c.name);
        Outcome out = run_every_split(c.input, c.eof, c.head_request);
        EXPECT_EQ(out.end, Got::done) << out.problem;
        EXPECT_EQ(out.heads, 1);
        EXPECT_EQ(out.status, c.status);
        EXPECT_EQ(out.body, c.body);
        EXPECT_EQ(out.framing, c.framing);
        EXPECT_EQ(out.keep_alive, c.keep_alive);
        EXPECT_EQ(out.leftover, c.leftover);
    }
}

TEST(ResponseParser, HeadFields) {
    Outcome out = run({"HTTP/1.0 201 Created  here\r\nX-A:  spaced \t\r\nX-Empty:\r\n\r\n"}, true);
    EXPECT_EQ(out.version_minor, 0);
    EXPECT_EQ(out.reason, "Created  here");
    std::vector<std::pair<std::string, std::string>> want = {{"X-A", "spaced"}, {"X-Empty", ""}};
    EXPECT_EQ(out.headers, want);
    ResponseParser parser;
    ASSERT_EQ(parser.next("HTTP/1.1 200 OK\r\nETag: \"1.2\"\r\nConnection: a, b\r\n\r\n").got, Got::head);
    EXPECT_EQ(parser.response().header("etag"), "\"1.2\"");
    EXPECT_TRUE(parser.response().has_token("Connection", "B"));
}

TEST(ResponseParser, SequentialResponsesOnOneParser) {
    ResponseParser parser;
    std::string in = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na";
    Step step = parser.next(in);
    ASSERT_EQ(step.got, Got::head);
    in.erase(0, step.consumed);
    EXPECT_EQ(parser.next(in).body, "a");
    EXPECT_EQ(parser.next("").got, Got::done);
    parser.expect(true);
    step = parser.next("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n");
    EXPECT_EQ(step.got, Got::head);
    EXPECT_EQ(parser.next("").got, Got::done);
}

// ---- one negative case per rule ---------------------------------------------------

struct BadCase {
    const char* name;
    std::string input;
    std::string problem;
    bool eof = false;
    ResponseLimits limits = {};
};

const std::string kOk = "HTTP/1.1 200 OK\r\n";
const std::string kChunked = kOk + "Transfer-Encoding: chunked\r\n\r\n";

const std::vector<BadCase>& bad_cases() {
    static const std::vector<BadCase> cases = {
        {"not_http", "HTTP/1.1x 200 OK\r\n\r\n", "status line does not start with 'HTTP/1.x '"},
        {"lowercase_http", "http/1.1 200 OK\r\n\r\n", "status line does not start with 'HTTP/1.x '"},
        {"version_2", "HTTP/2.0 200 OK\r\n\r\n", "HTTP version not supported (only HTTP/1.0 and HTTP/1.1)"},
        {"two_digit_code", "HTTP/1.1 20 OK\r\n\r\n", "status code is not three digits"},
        {"four_digit_code", "HTTP/1.1 2000 OK\r\n\r\n", "status code is not three digits"},
        {"no_code", "HTTP/1.1\r\n\r\n", "status code is not three digits"},
        {"code_600", "HTTP/1.1 600 X\r\n\r\n", "status code is not in 100-599"},
        {"code_099", "HTTP/1.1 099 X\r\n\r\n", "status code is not in 100-599"},
        {"control_in_reason", "HTTP/1.1 200 O\x01K\r\n\r\n", "reason phrase contains a control character"},
        {"switching_protocols", "HTTP/1.1 101 Switching Protocols\r\n\r\n",
         "101 Switching Protocols, but no upgrade was asked for"},
        {"empty_status_line", "\r\n\r\n", "status line is empty"},
        {"bare_cr", kOk + "A: b\rc\r\n\r\n", "bare CR not followed by LF"},
        {"obs_fold", kOk + "A: b\r\n c\r\n\r\n", "header line 3 starts with whitespace (obs-fold)"},
        {"no_colon", kOk + "A b\r\n\r\n", "header line 2 has no ':'"},
        {"empty_name", kOk + ": b\r\n\r\n", "header line 2 has an empty name"},
        {"space_before_colon", kOk + "A : b\r\n\r\n", "header line 2 has whitespace before ':'"},
        {"name_not_token", kOk + "A(: b\r\n\r\n", "header line 2 has a name that is not a token"},
        {"control_in_value", kOk + "A: b\x01\r\n\r\n", "header line 2 has a control character in its value"},
        {"too_many_headers", kOk + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", "too many header fields", false, {.max_headers = 2}},
        {"head_too_large", kOk + "A: " + std::string(100, 'a') + "\r\n\r\n", "response head is larger than the limit",
         false, {.max_head_bytes = 64}},
        {"length_not_decimal", kOk + "Content-Length: 0x5\r\n\r\n", "Content-Length is not a decimal number"},
        {"length_list", kOk + "Content-Length: 5, 5\r\n\r\n", "Content-Length is not a decimal number"},
        {"length_too_long", kOk + "Content-Length: 1000000000000000000\r\n\r\n",
         "Content-Length has more than 18 digits"},
        {"lengths_disagree", kOk + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", "Content-Length headers disagree"},
        {"length_and_coding", kOk + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
         "both Content-Length and Transfer-Encoding"},
        {"coding_in_http10", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
         "Transfer-Encoding in an HTTP/1.0 response"},
        {"coding_gzip", kOk + "Transfer-Encoding: gzip, chunked\r\n\r\n", "transfer coding not implemented (only chunked)"},
        {"coding_empty", kOk + "Transfer-Encoding: ,\r\n\r\n", "Transfer-Encoding is empty"},
        {"chunked_twice", kOk + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
         "Transfer-Encoding has chunked more than once"},
        {"chunk_size_not_hex", kChunked + "zz\r\n", "chunk size is not hexadecimal"},
        {"chunk_size_overflow", kChunked + "10000000000000000\r\n", "chunk size overflows 64 bits"},
        {"chunk_size_junk", kChunked + "5 x\r\nhello\r\n", "chunk size is followed by something other than ';'"},
        {"chunk_line_too_long", kChunked + "5;" + std::string(20, 'x') + "\r\n", "chunk size line is longer than the limit",
         false, {.max_chunk_line = 16}},
        {"chunk_line_bare_cr", kChunked + "5\r;x\r\nhello\r\n", "bare CR not followed by LF"},
        {"chunk_without_crlf", kChunked + "5\r\nhelloX\r\n", "chunk data is not followed by CRLF"},
        {"trailers_too_large", kChunked + "0\r\nX-T: " + std::string(20, 't') + "\r\n\r\n",
         "trailer section is larger than the limit", false, {.max_trailer_bytes = 16}},
        {"closed_before_response", "", "connection closed before the response", true},
        {"closed_inside_head", kOk + "Content-Le", "connection closed inside the response head", true},
        {"closed_inside_length_body", kOk + "Content-Length: 5\r\n\r\nhel",
         "connection closed before the end of the body (Content-Length)", true},
        {"closed_inside_chunked_body", kChunked + "5\r\nhello\r\n", "connection closed inside the chunked body", true},
    };
    return cases;
}

TEST(ResponseParser, EachRuleHasItsMessageAtEverySplit) {
    for (const BadCase& c : bad_cases()) {
        SCOPED_TRACE(c.name);
        Outcome out = run_every_split(c.input, c.eof, false, c.limits);
        EXPECT_EQ(out.end, Got::bad);
        EXPECT_EQ(out.problem, c.problem);
    }
}

TEST(ResponseParser, BadIsSticky) {
    ResponseParser parser;
    Step first = parser.next("HTTP/3 200 OK\r\n\r\n");
    Step again = parser.next("HTTP/1.1 200 OK\r\n\r\n");
    EXPECT_EQ(again.got, Got::bad);
    EXPECT_EQ(again.problem, first.problem);
}

TEST(ResponseParser, IncompleteHeadNeedsMoreAndConsumesNothing) {
    ResponseParser parser;
    Step step = parser.next("HTTP/1.1 200 OK\r\nA: b\r\n\r");
    EXPECT_EQ(step.got, Got::need_more);
    EXPECT_EQ(step.consumed, 0u);
}

TEST(ResponseParser, LargeChunkIsDeliveredAsItArrives) {
    ResponseParser parser;
    std::string in = kChunked + "ffffffffffffffff\r\nabc";
    ASSERT_EQ(parser.next(in).got, Got::head);
    std::string rest = in.substr(kChunked.size());
    Step step = parser.next(rest);
    EXPECT_EQ(step.got, Got::body);
    EXPECT_EQ(step.body, "abc");
}

// ---- lines on a chunked stream (etcd's watch) -------------------------------------

std::vector<std::string> split_lines(const std::vector<std::string_view>& pieces, size_t max_line = 1 << 20) {
    LineSplitter splitter(max_line);
    std::vector<std::string> lines;
    for (std::string_view piece : pieces) {
        if (!splitter.feed(piece, [&](std::string_view line) { lines.emplace_back(line); })) {
            lines.push_back("<too long>");
            break;
        }
    }
    return lines;
}

TEST(LineSplitter, LinesWholeOrCutAnywhere) {
    std::string stream = "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":\"x\"}\n";
    std::vector<std::string> want = {"{\"a\":1}", "{\"b\":2}", "", "{\"c\":\"x\"}"};
    EXPECT_EQ(split_lines({stream}), want);
    for (size_t cut = 0; cut <= stream.size(); ++cut)
        EXPECT_EQ(split_lines({std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}), want)
            << cut;
    LineSplitter splitter;
    EXPECT_TRUE(splitter.feed("part", [](std::string_view) { ADD_FAILURE(); }));
    EXPECT_TRUE(splitter.partial());
}

TEST(LineSplitter, LineOverTheLimitStopsIt) {
    std::vector<std::string> want = {"12345", "<too long>"};
    EXPECT_EQ(split_lines({"12345\n123456\nok\n"}, 5), want);
    EXPECT_EQ(split_lines({"12345\n123", "456", "\nok\n"}, 5), want);
    std::vector<std::string> crlf = {"12345"};
    EXPECT_EQ(split_lines({"1234", "5\r\n"}, 6), crlf);
}

// etcd's watch answer: one endless chunked response, one JSON message per
// line, chunk boundaries anywhere.
TEST(ResponseParser, ChunkedWatchStreamYieldsTheExactLines) {
    std::vector<std::string> messages;
    for (int i = 0; i < 12; ++i)
        messages.push_back("{\"result\":{\"header\":{\"revision\":\"" + std::to_string(100 + i) +
                           "\"},\"events\":[{\"kv\":{\"key\":\"L3BlZXItcGxhbg==\",\"value\":\"" +
                           std::string(static_cast<size_t>(i * 7 % 23), 'v') + "\"}}]}}");
    std::string lines;
    for (const std::string& m : messages) lines += m + "\n";
    const size_t sizes[] = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144};
    for (size_t shift = 0; shift < std::size(sizes); ++shift) {
        std::string stream = kChunked;
        for (size_t at = 0, k = shift; at < lines.size(); ++k) {
            size_t size = std::min(sizes[k % std::size(sizes)], lines.size() - at);
            char hex[32];
            std::snprintf(hex, sizeof hex, "%zx\r\n", size);
            stream += hex + lines.substr(at, size) + "\r\n";
            at += size;
        }
        // Fed in reads of 1..17 bytes that cut the chunk framing anywhere.
        std::vector<std::string_view> reads;
        for (size_t at = 0, k = shift; at < stream.size(); ++k) {
            size_t size = std::min<size_t>(1 + (k * 5) % 17, stream.size() - at);
            reads.push_back(std::string_view(stream).substr(at, size));
            at += size;
        }
        ResponseParser parser;
        LineSplitter splitter;
        std::vector<std::string> got;
        std::string buffer;
        for (std::string_view read : reads) {
            buffer += read;
            for (Step step = parser.next(buffer);; step = parser.next(buffer)) {
                ASSERT_NE(step.got, Got::bad) << step.problem;
                if (step.got == Got::body) {
                    ASSERT_TRUE(splitter.feed(step.body, [&](std::string_view line) { got.emplace_back(line); }));
                }
                buffer.erase(0, step.consumed);
                if (step.got == Got::need_more) break;
            }
        }
        EXPECT_EQ(got, messages) << "shift " << shift;
        EXPECT_FALSE(splitter.partial());
    }
}

}  // namespace
}  // namespace http
