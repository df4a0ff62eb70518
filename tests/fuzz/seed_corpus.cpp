// Writes a fuzzer's seed corpus: `seed_corpus NAME DIR` fills DIR with one
// small file per vector for the target NAME (frame, utf8, json, http, session
// or response). The vectors are the unit tests' (tests/websocket/frame_test.cpp,
// utf8_test.cpp, tests/json/reader_test.cpp, tests/http/request_parser_test.cpp,
// tests/app/ws_session_test.cpp, tests/http/response_parser_test.cpp), in the
// fuzz targets' input layout: frame and http inputs start with a byte that
// picks max_payload or the limits. Generated rather than committed so the
// repository holds no binary files and the seeds follow the vectors' intent.
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/ws_frames.h"

namespace {

using namespace std::string_literals;

std::string masked(uint8_t first_byte, const std::string& payload, int length_bytes = -1) {
    return support::masked_frame(first_byte, payload, support::kRfcMask, length_bytes);
}

using support::pattern;

std::vector<std::string> frame_seeds() {
    // Selector bytes: 0 no limit... see kLimits in frame_fuzz.cpp (7 = none, 2 = 125, 5 = 65536).
    const std::string none(1, '\x07'), small(1, '\x02');
    std::vector<std::string> frames = {
        "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58",  // RFC 6455 §5.7 masked "Hello"
        masked(0x01, "Hel"), masked(0x80, "lo"), masked(0x00, "-"), masked(0x89, "Hello"), masked(0x8a, "Hello"),
        masked(0x88, "\x03\xe8"), masked(0x88, ""), masked(0x88, "\x03\xe9" "bye"), masked(0x88, "\x03"),
        masked(0x88, "\x03\xe8" "ok\xff"), masked(0x88, "\x13\x87\xce\xba\xe1\xbd\xb9"), masked(0x89, pattern(125)),
        masked(0x81, ""), masked(0x82, pattern(125)), masked(0x82, pattern(126)), masked(0x82, pattern(300)),
        masked(0xc1, "x"), "\x81\x05Hello", masked(0x09, "x"), masked(0x89, pattern(126)),
        "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00"s, "\x82\xfe\x00\x00\x01\x02\x03\x04"s,
        masked(0x82, pattern(125), 2), masked(0x82, pattern(125), 8), "\x82\xff\x00\x00\x00\x00\x00\x01\x00\x00"s,
        masked(0x83, "x"), masked(0x8b, "x"),
    };
    std::vector<std::string> seeds;
    for (const std::string& f : frames) seeds.push_back(none + f);
    seeds.push_back(small + masked(0x82, pattern(126)));  // 1009 from the header
    seeds.push_back(std::string(1, '\x00') + masked(0x89, "Hello"));
    seeds.push_back(none + masked(0x01, "Hel") + masked(0x89, "ping") + masked(0x80, "lo") + "\x81");
    seeds.push_back(none + masked(0x81, "a") + masked(0x81, "b") + masked(0x88, "\x03\xe8"));
    return seeds;
}

std::vector<std::string> utf8_seeds() {
    return {"", "Hello, world", "\x00\x7f"s, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
            "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!", "\xc2\x80", "\xdf\xbf",
            "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbd", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
            "\xf3\xbf\xbf\xbf", "\xf4\x8f\xbf\xbf", "abcdefg\xc3\xa9hijklmn\xe2\x82\xacopqrstu\xf0\x9f\x98\x80vwxyz",
            "\x80", "a\x80z", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
            "\xf0\x8f\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xa0\x80\xed\xb0\x80", "\xf4\x90\x80\x80",
            "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xfe", "\xff", "\xc2\x41", "\xe1\x80\x41",
            "\xf1\x80\x80\x41", "\xc2\xc2\x80", "\xc2\x80\x80", "abc\xe2\x82", "\xf0\x90\x80",
            "0123456789abcdefghij\xff", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90" "edited"};
}

std::vector<std::string> json_seeds() {
    return {
        "{\n  \"servers\": []\n}",
        "{\n  \"servers\": [\n    {\n      \"id\": \"server-1735946123456-abc123\",\n      \"port\": 54321,\n"
        "      \"url\": \"ws://localhost:54321\",\n      \"pid\": 12345,\n"
        "      \"startedAt\": \"2026-01-03T17:42:03.456Z\"\n    }\n  ]\n}\n",
        "[{\"id\": \"a\", \"port\": 3100, \"pid\": 1e3, \"startedAt\": \"2026-01-03T17:30:00Z\", \"x\": [1.50]}]",
        "null", "true", "false", "0", "-0", "-1.5e+10", "1E-2", "12345678901234567890123.000e-7", "\"\"",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\"", "\"\\u0000 nul\"",
        "\"\xC3\xA9 \xF0\x9F\x98\x80 \x7F\"", " \t\r\n[ 1 , [ ] , { } , \"x\" , null ] \n",
        "{\"a\":{\"b\":{\"c\":[1,2,{\"d\":null}]}},\"e\":true}", "{\"a\": 1, \"a\": 2}", "\xEF\xBB\xBF{\"bom\": true}",
        std::string(64, '[') + std::string(64, ']'), std::string(65, '[') + std::string(65, ']'),
        "{\"a\": \"abc", "{\"a\": 1", "[1, 2,]", "{\n  \"a\": 1,\n}", "[1 2]", "{\"a\" 1}", "{a: 1}", "['a']",
        "// c\n{}", "\"a\\qb\"", "\"\\u12G4\"", "\"\\uD800\"", "\"\\ud83d\\u0041\"", "\"x\\uDE00\"", "\"\x80\"",
        "\"\xC0\xAF\"", "\"\xED\xA0\x80\"", "\"ab\xE2\x82\"", "\"a\tb\"", "\"\0\""s, "01", "-01", "-", "+1", ".5",
        "1.", "1e", "[1E+]", "NaN", "tru", "nullx", "{} x", "{}\0"s, "[\"\xC3\xA9\", ?]",
        "{\r\n  \"a\": 1\r\n  \"b\": 2\r\n}",
    };
}

std::vector<std::string> http_seeds() {
    const std::string upgrade =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    std::vector<std::string> heads = {
        upgrade + "\r\n",
        upgrade + "Origin: http://localhost:5173\r\n\r\n",
        upgrade + "Origin: https://evil.example\r\n\r\n",
        upgrade + "Origin: null\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
        "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 12\r\n\r\n",
        "GET /api/registry?x=1 HTTP/1.1\r\nHost: localhost:5173\r\nAccept: */*\r\nUser-Agent: test/1\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.1\nHost: a\n\n", "\r\n\n\r\n\r\nHEAD /x HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET http://localhost:5173/api/registry HTTP/1.1\r\nHost: localhost:5173\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost:a\r\nX-Spaced:   spaced out \t \r\nX-Tab:\tv\r\nX-Empty:\r\n\r\n",
        "M-SEARCH /x HTTP/1.1\r\nHost: a\r\nX!#$%&'*+-.^_`|~9: y\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 005\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: a\r\n\r\nHEAD /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
        "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT localhost:80 HTTP/1.1\r\nHost: a\r\n\r\n", "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\x01" "b\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000000000000\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    };
    std::vector<std::string> seeds;
    for (const std::string& head : heads) seeds.push_back(std::string(1, '\x00') + head);
    seeds.push_back("\x02GET /" + std::string(40, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n");
    seeds.push_back("\x03GET / HTTP/1.1\r\nHost: a\r\nB: b\r\nC: c\r\n\r\n");
    return seeds;
}

// The session target's layout (tests/fuzz/session_fuzz.cpp): a setup byte
// (max_message 100/125/1000/4096, +4 = shut down at the end), an op count,
// ops (kind, flags, two key bytes, fields), then read sizes.
std::string data_op(uint8_t flags, const std::string& payload) {  // flags: 1 text 2 binary 3 continuation, +4 fin, +16 raw
    std::string op = "\x00"s + static_cast<char>(flags | (payload.size() > 255 ? 8 : 0)) + "\x12\x34";
    if (payload.size() > 255) op += static_cast<char>(payload.size() / 8);
    op += static_cast<char>(payload.size() > 255 ? payload.size() % 8 : payload.size());
    return op + payload;
}
std::string ping_op(const std::string& payload) { return "\x04\x00\x56\x78"s + static_cast<char>(payload.size()) + payload; }
std::string close_op(uint8_t pick, const std::string& reason = {}) {  // pick: 0 empty, 1 one byte, else a code of the table
    return "\x06"s + static_cast<char>(reason.size() << 4 | 1) + "\x9a\xbc" + static_cast<char>(pick) + reason;
}
std::string session(uint8_t setup, const std::vector<std::string>& ops, const std::string& reads = "\x00"s) {
    std::string seed{static_cast<char>(setup), static_cast<char>(ops.size() - 1)};
    for (const std::string& op : ops) seed += op;
    return seed + reads;
}

std::vector<std::string> session_seeds() {
    const std::string k641_1 = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", k641_2 = "\xf4\x90\x80\x80",
                      k641_3 = "\x65\x64\x69\x74\x65\x64";
    const char handshake = static_cast<char>(153);  // kUpgrade's size: the first read ends with it
    return {
        session(2, {data_op(5, "Hello")}),
        session(2, {data_op(5, ""), data_op(6, pattern(125)), data_op(6, pattern(126)), data_op(6, pattern(300))}),
        session(2, {data_op(1, "Hel"), ping_op("p1"), data_op(3, "lo, "), data_op(7, "world")}, "\x01\x02\x03"s),
        // Autobahn 6.4.1 and 6.4.3 (three frames; one frame in three reads).
        session(2, {data_op(16 | 1, k641_1), data_op(16 | 3, k641_2), data_op(16 | 7, k641_3)}),
        session(2, {data_op(16 | 5, k641_1 + k641_2 + k641_3)}, std::string{handshake, 6 + 11, 4, 0}),
        session(2, {data_op(16 | 5, "abc\xe2\x82")}),
        session(2, {data_op(7, "orphan")}),
        session(2, {data_op(1, "first"), data_op(2, "second")}),
        session(0, {data_op(6, pattern(101))}),
        session(2, {data_op(2, pattern(600)), data_op(7, pattern(401))}),
        session(2, {"\x08\x01\x00\x00\x00"s}),  // a binary header announcing 1001 bytes
        session(2, {close_op(2)}), session(2, {close_op(7, "bye")}), session(2, {close_op(0)}), session(2, {close_op(1)}),
        session(2, {close_op(5)}), session(2, {close_op(13)}), session(2, {close_op(2, "ok\xff")}),
        session(2 | 4, {data_op(6, pattern(300))}), session(2 | 4, {data_op(6, pattern(300))}, std::string{handshake, 20, 0}),
        session(2, {"\x07\x00\x00\x00"s, data_op(5, "never")}),  // RSV1
        session(2, {"\x09\x05\x00\x00"s + pattern(5)}),       // no mask
    };
}

std::vector<std::string> response_seeds() {
    // Byte 0: limits (0 defaults, 2 small) and 0x10 for a HEAD request; byte 1: 1 = the peer closes after.
    const std::string ok = "HTTP/1.1 200 OK\r\n", chunked = ok + "Transfer-Encoding: chunked\r\n\r\n";
    std::vector<std::string> responses = {
        ok + "Content-Length: 5\r\n\r\nhello",
        chunked + "5;name=v\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
        chunked + "7\r\n{\"a\":1}\r\n3\r\n\n{\"\r\n4\r\nb\":2\r\n2\r\n}\n\r\n0\r\n\r\n",
        "HTTP/1.0 200 OK\r\n\r\nuntil the close", "HTTP/1.1 200 OK\r\n\r\nbody",
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + ok + "Content-Length: 2\r\n\r\nok",
        "HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n",
        ok + "Content-Length: 3\r\ncontent-length: 003\r\n\r\nabcNEXT", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
        "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 101 Switching Protocols\r\n\r\n", ok + "A: b\r\n c\r\n\r\n",
        ok + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", ok + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        ok + "Transfer-Encoding: gzip, chunked\r\n\r\n", chunked + "10000000000000000\r\n", chunked + "5 x\r\n",
        chunked + "5\r\nhelloX\r\n", chunked + "ffffffffffffffff\r\nabc",
    };
    std::vector<std::string> seeds;
    for (const std::string& response : responses) {
        seeds.push_back(std::string(2, '\x00') + response);
        seeds.push_back("\x02\x01" + response);
    }
    seeds.push_back("\x10\x00" + ok + "Content-Length: 1000\r\n\r\n");
    return seeds;
}

bool write_all(const std::string& dir, const std::vector<std::string>& seeds) {
    ::mkdir(dir.c_str(), 0755);
    for (size_t i = 0; i < seeds.size(); ++i) {
        std::string path = dir + "/seed-" + std::to_string(i);
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f) return false;
        bool written = std::fwrite(seeds[i].data(), 1, seeds[i].size(), f) == seeds[i].size();
        if (std::fclose(f) != 0 || !written) return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::string name = argc == 3 ? argv[1] : "";
    std::vector<std::string> seeds = name == "frame"  ? frame_seeds()
                                     : name == "utf8" ? utf8_seeds()
                                     : name == "json" ? json_seeds()
                                     : name == "http" ? http_seeds()
                                     : name == "session" ? session_seeds()
                                     : name == "response" ? response_seeds()
                                                      : std::vector<std::string>{};
    if (seeds.empty()) {
        std::fprintf(stderr, "usage: seed_corpus frame|utf8|json|http|session|response DIR\n");
        return 2;
    }
    if (!write_all(argv[2], seeds)) {
        std::perror(argv[2]);
        return 1;
    }
    return 0;
}
