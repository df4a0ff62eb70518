// libFuzzer target: http::ResponseParser and LineSplitter. Input: byte 0
// picks the limits (the defaults, or small ones so every limit is reachable)
// and whether the request was HEAD, byte 1 whether the peer closes after the
// input, the rest is what the server sent.
// Invariants:
// - fed whole, at a random cut, and in random reads (as a connection reads),
//   the outcome is the same: the same head, the same body bytes, the same
//   end (done with the same leftover, bad with the same problem, or need_more);
// - consumed <= size; body pieces are non-empty views into the input; a bad
//   has a problem; after done or bad nothing more happens;
// - the body split into lines is the same lines whatever the reads.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "http/response_parser.h"

namespace {

const http::ResponseLimits kLimits[] = {{}, {}, {64, 3, 8, 16}, {200, 8, 32, 64}};

struct Outcome {
    http::Got end = http::Got::need_more;
    std::string problem;
    int heads = 0, status = 0;
    std::string headers;  // name:value lines
    bool keep_alive = false;
    http::Framing framing = http::Framing::none;
    std::string body, leftover;
    std::vector<std::string> lines;
    bool lines_ok = true;
    bool operator==(const Outcome&) const = default;
};

Outcome run(std::string_view in, const std::vector<size_t>& reads, bool eof, bool head_request,
            const http::ResponseLimits& limits) {
    http::ResponseParser parser(limits);
    parser.expect(head_request);
    http::LineSplitter splitter(64);
    Outcome out;
    std::string buffer;
    size_t at = 0;
    auto handle = [&](const http::Step& step) {
        FUZZ_CHECK(step.consumed <= buffer.size(), "consumed <= size");
        if (step.got == http::Got::head) {
            const http::Response& r = parser.response();
            ++out.heads;
            out.status = r.status;
            FUZZ_CHECK(r.status >= 200 && r.status <= 599, "a reported status is final");
            for (size_t i = 0; i < r.header_count; ++i)
                out.headers += std::string(r.headers[i].name) + ":" + std::string(r.headers[i].value) + "\n";
            out.keep_alive = r.keep_alive;
            out.framing = r.framing;
            FUZZ_CHECK(!(r.framing == http::Framing::close && r.keep_alive), "no keep-alive after a close-delimited body");
        } else if (step.got == http::Got::body) {
            FUZZ_CHECK(!step.body.empty(), "body pieces are not empty");
            FUZZ_CHECK(step.body.data() >= buffer.data() &&
                           step.body.data() + step.body.size() <= buffer.data() + buffer.size(),
                       "body pieces are views into the input");
            out.body += step.body;
            if (out.lines_ok)
                out.lines_ok = splitter.feed(step.body, [&](std::string_view line) { out.lines.emplace_back(line); });
        } else if (step.got == http::Got::bad) {
            FUZZ_CHECK(!step.problem.empty(), "a bad names its rule");
            out.problem = http::describe(step);
        }
        out.end = step.got;
    };
    for (size_t read : reads) {
        buffer += in.substr(at, read);
        at += read;
        while (out.end != http::Got::done && out.end != http::Got::bad) {
            http::Step step = parser.next(buffer);
            handle(step);
            buffer.erase(0, step.consumed);
            if (step.got == http::Got::need_more) break;
        }
    }
    if (eof && out.end == http::Got::need_more) handle(parser.end_of_input(buffer));
    if (out.end == http::Got::done) out.leftover = buffer;
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const http::ResponseLimits& limits = kLimits[data[0] % std::size(kLimits)];
    bool head_request = data[0] & 0x10;
    bool eof = data[1] & 1;
    std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);

    Outcome whole = run(in, {in.size()}, eof, head_request, limits);
    fuzz::Rng rng(fuzz::hash(data, size));
    size_t cut = in.empty() ? 0 : rng.next() % (in.size() + 1);
    Outcome halves = run(in, {cut, in.size() - cut}, eof, head_request, limits);
    FUZZ_CHECK(halves == whole, "one cut anywhere gives the whole input's outcome");
    std::vector<size_t> reads;
    for (size_t fed = 0; fed < in.size();) {
        size_t read = rng.chunk(in.size() - fed);
        reads.push_back(read);
        fed += read;
    }
    Outcome pieces = run(in, reads, eof, head_request, limits);
    FUZZ_CHECK(pieces == whole, "random reads give the whole input's outcome");
    FUZZ_CHECK(whole.heads <= 1, "one head per response");
    return 0;
}
