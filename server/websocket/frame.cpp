// RFC 6455 framing, server side. Implemented: text, binary, continuation, ping,
// pong, close, all three payload length forms. Refused (close 1002): RSV bits
// (no extensions are negotiated), reserved opcodes, unmasked client frames,
// fragmented or >125-byte control frames, 64-bit lengths with the top bit set,
// lengths not in the minimal number of bytes (§5.2 says MUST). Data frames
// over max_payload: close 1009, decided from the header alone so an oversized
// frame is never buffered. A frame is decoded once it has fully arrived, its payload
// unmasked in place or left for the caller to unmask where it wants it; before
// that, once the header is in, its fields and the payload so far are reported
// (a caller may pass a payload on as it arrives).
#include "websocket/frame.h"

#include <cstring>

#include "websocket/utf8.h"

namespace websocket {

namespace {

constexpr size_t kMaskSize = 4;
constexpr uint64_t kMaxControlPayload = 125;
constexpr size_t kMaxCloseReason = 123;  // 125 minus the 2-byte code

DecodeResult bad(uint16_t close_code, std::string_view problem) {
    DecodeResult result{Decode::bad};
    result.close_code = close_code;
    result.problem = problem;
    return result;
}

DecodeResult need_more() { return DecodeResult{Decode::need_more}; }

uint64_t load_be(const uint8_t* p, size_t size) {
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i) value = (value << 8) | p[i];
    return value;
}

bool is_known_opcode(uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

// Why a close code may not appear on the wire, or empty when it may.
std::string_view close_code_problem(uint16_t code) {
    if (code < 1000) return "close code below 1000 is not used";
    if ((code >= 1004 && code <= 1006) || code == 1015) return "close code 1004-1006 or 1015 is reserved, never sent";
    if (code >= 1016 && code <= 2999) return "close code 1016-2999 is not assigned";
    if (code >= 5000) return "close code 5000 or above is out of range";
    return {};
}

}  // namespace

DecodeResult decode_frame(std::span<uint8_t> in, uint64_t max_payload, Unmask when) noexcept {
    if (in.empty()) return need_more();
    uint8_t first = in[0];
    if (first & 0x70) return bad(1002, "RSV1-3 set but no extension was negotiated");
    uint8_t op = first & 0x0f;
    if (!is_known_opcode(op)) return bad(1002, "reserved opcode (3-7 and 11-15 are not defined)");
    bool fin = (first & 0x80) != 0;
    if (in.size() < 2) return need_more();

    uint8_t second = in[1];
    if (!(second & 0x80)) return bad(1002, "client frame is not masked");
    uint64_t length = second & 0x7f;
    if (op >= 8 && (!fin || length > kMaxControlPayload))
        return bad(1002, "control frame fragmented or over 125 bytes");

    size_t length_size = length == 126 ? 2 : length == 127 ? 8 : 0;
    if (length == 127 && in.size() > 2 && (in[2] & 0x80))
        return bad(1002, "64-bit payload length has the most significant bit set");
    if (in.size() < 2 + length_size) return need_more();
    if (length == 126) {
        length = load_be(&in[2], 2);
        if (length < 126) return bad(1002, "payload length not in the minimal number of bytes");
    } else if (length == 127) {
        length = load_be(&in[2], 8);
        if (length <= 0xffff) return bad(1002, "payload length not in the minimal number of bytes");
    }
    if (length > max_payload && op < 8) return bad(1009, "frame payload over the message size limit");

    size_t header_size = 2 + length_size + kMaskSize;
    if (in.size() < header_size || in.size() - header_size < length) {
        DecodeResult waiting = need_more();
        waiting.frame_size = header_size + length;  // lets the reader ask for exactly the rest
        if (in.size() >= header_size) {
            waiting.header_in = true;
            waiting.fin = fin;
            waiting.opcode = static_cast<Opcode>(op);
            waiting.payload = in.subspan(header_size);
            std::memcpy(waiting.mask, in.data() + header_size - kMaskSize, kMaskSize);
        }
        return waiting;
    }

    uint8_t* payload = in.data() + header_size;
    const uint8_t* key = payload - kMaskSize;
    if (when == Unmask::in_place) unmask(payload, {payload, static_cast<size_t>(length)}, key);
    // Built in place in the caller's result (a named copy filled field by
    // field cost a store-forwarding stall per frame).
    return DecodeResult{.status = Decode::frame,
                        .fin = fin,
                        .opcode = static_cast<Opcode>(op),
                        .payload = std::span<uint8_t>(payload, static_cast<size_t>(length)),
                        .mask = {key[0], key[1], key[2], key[3]},
                        .consumed = header_size + static_cast<size_t>(length)};
}

size_t write_header(uint8_t* out, Opcode opcode, uint64_t payload_size, bool fin) noexcept {
    out[0] = static_cast<uint8_t>((fin ? 0x80 : 0) | static_cast<uint8_t>(opcode));
    if (payload_size < 126) {
        out[1] = static_cast<uint8_t>(payload_size);
        return 2;
    }
    size_t length_size = payload_size <= 0xffff ? 2 : 8;
    out[1] = length_size == 2 ? 126 : 127;
    for (size_t i = 0; i < length_size; ++i)
        out[2 + i] = static_cast<uint8_t>(payload_size >> (8 * (length_size - 1 - i)));
    return 2 + length_size;
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload) {
    uint8_t header[kMaxHeaderSize];
    size_t header_size = write_header(header, opcode, payload.size());
    out.reserve(out.size() + header_size + payload.size());
    out.append(reinterpret_cast<const char*>(header), header_size);
    out.append(payload);
}

bool is_valid_close_code(uint16_t code) noexcept { return close_code_problem(code).empty(); }

CloseFrame parse_close_payload(std::span<const uint8_t> payload) noexcept {
    CloseFrame close;
    if (payload.empty()) return close;
    if (payload.size() == 1) {
        close.error_code = 1002;
        close.problem = "close payload of 1 byte (a status code takes 2)";
        return close;
    }
    close.code = static_cast<uint16_t>(load_be(payload.data(), 2));
    close.reason = std::string_view(reinterpret_cast<const char*>(payload.data()) + 2, payload.size() - 2);
    if (std::string_view problem = close_code_problem(close.code); !problem.empty()) {
        close.error_code = 1002;
        close.problem = problem;
    } else if (!is_valid_utf8(close.reason)) {
        close.error_code = 1007;
        close.problem = "close reason is not valid UTF-8";
    }
    return close;
}

std::string close_payload(uint16_t code, std::string_view reason) {
    if (code == 1005) return {};
    if (reason.size() > kMaxCloseReason) {
        // Back up over continuation bytes (at most 3) to cut before the lead
        // byte of the character that straddles the limit.
        size_t cut = kMaxCloseReason;
        while (cut > kMaxCloseReason - 3 && (static_cast<uint8_t>(reason[cut]) & 0xc0) == 0x80) --cut;
        reason = reason.substr(0, cut);
    }
    std::string payload;
    payload.reserve(2 + reason.size());
    payload += static_cast<char>(code >> 8);
    payload += static_cast<char>(code & 0xff);
    payload += reason;
    return payload;
}

}  // namespace websocket
