// libFuzzer target: app::WsSession, the real session code, through the test
// host of tests/app/ws_session_host.h (no socket). The input describes a
// handshake and a run of client frames (data of every kind, fragments, pings,
// pongs, closes, broken headers, oversize announcements), the reads they are
// cut into, and whether the server shuts down at the end. A model of RFC 6455
// written apart from the session predicts what must come out. Checked:
// - the handshake is answered with the 101 exactly;
// - every echo and pong equals the model's, byte for byte and in order (a
//   fragmented message comes back as one frame of its first opcode);
// - the connection ends exactly when the model says, with a close frame whose
//   code is the model's and may be sent (§7.4: 1000-1003, 1007-1014,
//   3000-4999), and a reason that is UTF-8; nothing comes after it;
// - the host's contract checks (in-place output inside the input, in order)
//   hold throughout.
// Input layout: byte 0 picks max_message and whether to shut down at the
// end; then ops, each a kind byte and its fields (see read_op); the bytes
// left after the last op are the read sizes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "tests/app/ws_session_host.h"
#include "websocket/frame.h"

namespace {

using session_test::client_frame;
using websocket::Opcode;

class Bytes {
public:
    Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    bool empty() const { return at_ >= size_; }
    uint8_t next() { return at_ < size_ ? data_[at_++] : 0; }
    std::string take(size_t n) {
        std::string out;
        while (n-- > 0 && !empty()) out += static_cast<char>(next());
        return out;
    }

private:
    const uint8_t* data_;
    size_t size_, at_ = 0;
};

// Valid UTF-8 from fuzz bytes: each byte picks a character of 1 to 4 bytes.
std::string utf8_from(const std::string& seed) {
    std::string out;
    for (unsigned char b : seed) {
        uint32_t cp = b < 0x80 ? b : b < 0xc0 ? 0x80 + b * 7 : b < 0xe0 ? 0x800 + b * 211 : 0x10000 + b * 3331;
        if (cp >= 0xd800 && cp <= 0xdfff) cp += 0x800;
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    return out;
}

// The model's own UTF-8 check, written apart from websocket::Utf8Validator:
// Unicode Table 3-7 as ranges, lead byte by lead byte.
enum class Utf8 { ok, incomplete, invalid };
Utf8 check_utf8(std::string_view s) {
    struct Range {
        uint8_t lo, hi;
    };
    size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i++]);
        if (b < 0x80) continue;
        Range next[3] = {{0x80, 0xbf}, {0x80, 0xbf}, {0x80, 0xbf}};
        size_t n = 0;
        if (b >= 0xc2 && b <= 0xdf) n = 1;
        else if (b == 0xe0) n = 2, next[0] = {0xa0, 0xbf};
        else if (b == 0xed) n = 2, next[0] = {0x80, 0x9f};
        else if (b >= 0xe1 && b <= 0xef) n = 2;
        else if (b == 0xf0) n = 3, next[0] = {0x90, 0xbf};
        else if (b >= 0xf1 && b <= 0xf3) n = 3;
        else if (b == 0xf4) n = 3, next[0] = {0x80, 0x8f};
        else return Utf8::invalid;
        for (size_t k = 0; k < n; ++k, ++i) {
            if (i == s.size()) return Utf8::incomplete;
            const auto c = static_cast<unsigned char>(s[i]);
            if (c < next[k].lo || c > next[k].hi) return Utf8::invalid;
        }
    }
    return Utf8::ok;
}

bool sendable(uint16_t code) {  // RFC 6455 §7.4.1 and §7.4.2, as a server may send them
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

struct Model {
    uint64_t max_message = 0;
    bool in_message = false;
    uint8_t message_opcode = 0;
    std::string message;
    std::string expected;      // the server frames before any close
    uint16_t close_code = 0;   // the close the model expects; 0 while open
    bool client_closed = false;

    void fail(uint16_t code) { close_code = code; }

    // One client frame as sent; false once the connection is over.
    // `announced` is the payload size the header gives; with `header_only`
    // only the header (and less than the payload) is sent.
    bool frame(uint8_t first, bool masked, const std::string& payload, bool header_only = false,
               uint64_t announced = 0) {
        if (!header_only) announced = payload.size();
        const bool fin = first & 0x80;
        const uint8_t op = first & 0x0f;
        const bool control = op >= 8;
        const uint64_t left = max_message > message.size() ? max_message - message.size() : 0;
        // What the header alone decides, in the decoder's order.
        if (first & 0x70) return fail(1002), false;
        if (!(op <= 2 || (op >= 8 && op <= 10))) return fail(1002), false;
        if (!masked) return fail(1002), false;
        if (control && (!fin || announced > 125)) return fail(1002), false;
        if (!control && announced > left) return fail(1009), false;
        if (!control) {
            if (op == 0 && !in_message) return fail(1002), false;
            if (op != 0 && in_message) return fail(1002), false;
            if (header_only) return false;  // the rest never comes: the input ends here
            const uint8_t opcode = op == 0 ? message_opcode : op;
            message += payload;
            if (opcode == 1) {
                Utf8 u = check_utf8(message);
                if (u == Utf8::invalid || (fin && u == Utf8::incomplete)) return fail(1007), false;
            }
            if (!fin) {
                in_message = true;
                message_opcode = opcode;
                return true;
            }
            websocket::append_frame(expected, static_cast<Opcode>(opcode), message);
            in_message = false;
            message.clear();
            return true;
        }
        if (header_only) return false;
        if (op == 9) websocket::append_frame(expected, Opcode::pong, payload);
        if (op != 8) return true;
        if (payload.size() == 1) return fail(1002), false;
        if (payload.empty()) return client_closed = true, close_code = 1005, false;
        const uint16_t code = static_cast<uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                    static_cast<unsigned char>(payload[1]));
        const bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
                           (code >= 3000 && code <= 4999);
        if (!valid) return fail(1002), false;
        if (check_utf8(std::string_view(payload).substr(2)) != Utf8::ok) return fail(1007), false;
        client_closed = true;
        close_code = code;
        return false;
    }
};

constexpr uint16_t kCloseCodes[] = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1011, 1014, 1015,
                                    1016, 2999, 3000, 4999, 5000, 999,  0,    65535};

// One op from the input: appends its bytes to `wire`; false once the model
// says the connection is over (later ops are not generated).
bool read_op(Bytes& in, Model& model, std::string& wire) {
    const uint8_t kind = in.next();
    const uint8_t flags = in.next();
    const uint32_t key = static_cast<uint32_t>(in.next()) << 24 | static_cast<uint32_t>(in.next()) << 8 | 0x5a;
    uint8_t first = 0;
    std::string payload;
    switch (kind % 10) {
    case 0: case 1: case 2: case 3: {  // data frame
        const uint8_t op = (flags & 3) == 3 ? 0 : (flags & 3);  // text, binary, continuation
        first = static_cast<uint8_t>((flags & 4 ? 0x80 : 0) | op);
        size_t size = in.next();
        if (flags & 8) size = size * 8 + in.next();  // up to 2 KiB: the 126 length form
        std::string seed = in.take(size);
        payload = (op == 1 || (op == 0 && model.message_opcode == 1)) && !(flags & 16) ? utf8_from(seed) : seed;
        break;
    }
    case 4: first = 0x89; payload = in.take(in.next() % 127); break;  // ping (126 is too long)
    case 5: first = 0x8a; payload = in.take(in.next() % 126); break;  // pong
    case 6: {  // close
        first = 0x88;
        const uint8_t pick = in.next();
        if (pick % 8 == 0) break;  // empty
        if (pick % 8 == 1) { payload = "\x03"; break; }
        const uint16_t code = kCloseCodes[pick % (sizeof kCloseCodes / sizeof kCloseCodes[0])];
        payload = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
        payload += flags & 1 ? in.take(flags >> 4) : utf8_from(in.take(flags >> 5));
        break;
    }
    case 7: {  // a broken header: RSV bits, a reserved opcode, or a fragmented control frame
        const uint8_t choices[] = {0xc1, 0xa2, 0x93, 0x83, 0x8b, 0x09, 0x0a, 0x08};
        first = choices[flags % 8];
        payload = in.take(flags >> 5);
        break;
    }
    case 8: {  // a data frame announcing more than the limit allows: its header and a little
        first = static_cast<uint8_t>((flags & 1 ? 0x02 : 0x01) | (flags & 2 ? 0 : 0x80));
        const uint64_t announced = model.max_message + 1 + in.next() * 1000u;
        wire += static_cast<char>(first);
        if (announced < 126) {
            wire += static_cast<char>(0x80 | announced);
        } else if (announced <= 0xffff) {
            wire += static_cast<char>(0x80 | 126);
            wire += static_cast<char>(announced >> 8);
            wire += static_cast<char>(announced & 0xff);
        } else {
            wire += static_cast<char>(0x80 | 127);
            for (int i = 7; i >= 0; --i) wire += static_cast<char>((announced >> (8 * i)) & 0xff);
        }
        wire += "\x11\x22\x33\x44" + in.take(flags >> 4);
        model.frame(first, true, {}, true, announced);
        return false;
    }
    default: {  // a data frame without a mask
        first = 0x82;
        payload = in.take(flags % 20);
        wire += static_cast<char>(first);
        wire += static_cast<char>(payload.size());
        wire += payload;
        return model.frame(first, false, payload);
    }
    }
    wire += client_frame(first, payload, key);
    return model.frame(first, true, payload);
}

// The server frames of `out` (unmasked), until a close or the end.
struct ServerFrame {
    uint8_t first = 0;
    std::string payload;
};
std::vector<ServerFrame> parse_frames(std::string_view out, size_t* used) {
    std::vector<ServerFrame> frames;
    size_t at = 0;
    while (at + 2 <= out.size()) {
        const auto b1 = static_cast<unsigned char>(out[at + 1]);
        FUZZ_CHECK(!(b1 & 0x80), "a server frame is never masked");
        uint64_t len = b1 & 0x7f;
        size_t header = 2;
        if (len >= 126) {
            const size_t bytes = len == 126 ? 2 : 8;
            FUZZ_CHECK(at + 2 + bytes <= out.size(), "a server frame's header is whole");
            len = 0;
            for (size_t i = 0; i < bytes; ++i) len = (len << 8) | static_cast<unsigned char>(out[at + 2 + i]);
            header += bytes;
        }
        FUZZ_CHECK(at + header + len <= out.size(), "a server frame is whole");
        frames.push_back({static_cast<uint8_t>(out[at]), std::string(out.substr(at + header, len))});
        at += header + len;
    }
    FUZZ_CHECK(at == out.size(), "the output is whole frames");
    *used = at;
    return frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Bytes in(data, size);
    const uint8_t setup = in.next();
    const uint64_t limits[] = {100, 125, 1000, 4096};
    app::WsConfig config = session_test::test_config();
    config.max_message = limits[setup % 4];
    const bool shut_down = setup & 4;

    Model model;
    model.max_message = config.max_message;
    std::string wire(session_test::kUpgrade);
    const size_t ops = 1 + (in.next() % 24);
    for (size_t i = 0; i < ops && !in.empty(); ++i)
        if (!read_op(in, model, wire)) break;

    // The reads: sizes from the bytes left (0 = the rest in one), else one read.
    session_test::SessionHost host(config);
    size_t at = 0;
    while (at < wire.size()) {
        size_t piece = in.empty() ? wire.size() - at : in.next();
        if (piece == 0) piece = wire.size() - at;
        if (piece > 200 && !in.empty()) piece = piece * 37 + in.next();
        piece = std::min(piece, wire.size() - at);
        host.feed(std::string_view(wire).substr(at, piece));
        at += piece;
    }
    const bool model_open = model.close_code == 0;
    if (shut_down && !host.closed() && !host.aborted()) host.shutdown();

    const std::string& out = host.output();
    FUZZ_CHECK(out.compare(0, session_test::kUpgraded.size(), session_test::kUpgraded) == 0,
               "the handshake is answered with the 101");
    const std::string_view frames_out = std::string_view(out).substr(session_test::kUpgraded.size());
    FUZZ_CHECK(!host.aborted(), "the session never drops a client that broke no deadline");

    size_t used = 0;
    std::vector<ServerFrame> frames = parse_frames(frames_out, &used);
    // Everything before a close must be the model's echoes and pongs exactly.
    const bool closes = !frames.empty() && (frames.back().first & 0x0f) == 8;
    const size_t close_size = closes ? frames.back().payload.size() + 2 : 0;
    const std::string_view before_close = frames_out.substr(0, frames_out.size() - close_size);
    FUZZ_CHECK(before_close == model.expected, "echoes and pongs equal the model's, in order");
    for (size_t i = 0; i + 1 < frames.size(); ++i)
        FUZZ_CHECK((frames[i].first & 0x0f) != 8, "nothing comes after a close");

    if (model_open) {
        FUZZ_CHECK(!host.closed(), "the connection stays open while the client breaks no rule");
        if (shut_down) {
            FUZZ_CHECK(closes, "a shutdown says goodbye");
            FUZZ_CHECK(frames.back().payload.substr(0, 2) == "\x03\xe9", "the goodbye is 1001");
        } else {
            FUZZ_CHECK(!closes, "no close while the client breaks no rule");
        }
        return 0;
    }
    FUZZ_CHECK(host.closed(), "the connection closes when the model says");
    FUZZ_CHECK(closes, "a close frame is sent");
    const std::string& close = frames.back().payload;
    if (model.close_code == 1005) {
        FUZZ_CHECK(close.empty(), "an empty close is answered with an empty close");
        return 0;
    }
    FUZZ_CHECK(close.size() >= 2, "the close carries a code");
    const uint16_t code = static_cast<uint16_t>((static_cast<unsigned char>(close[0]) << 8) |
                                                static_cast<unsigned char>(close[1]));
    FUZZ_CHECK(code == model.close_code, "the close code is the model's");
    FUZZ_CHECK(sendable(code), "the close code may be sent (RFC 6455 7.4)");
    FUZZ_CHECK(check_utf8(std::string_view(close).substr(2)) == Utf8::ok, "the close reason is UTF-8");
    FUZZ_CHECK(close.size() <= 125, "the close frame is a control frame");
    return 0;
}
