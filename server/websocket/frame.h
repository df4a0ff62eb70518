// RFC 6455 framing (§5), server side: decode masked client frames, encode
// unmasked server frames, and read and write close payloads (§5.5.1, §7.4).
// Pure byte functions: no sockets, no allocation while decoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "websocket/unmask.h"  // unmask(), which decode_frame() uses

namespace websocket {

enum class Opcode : uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

enum class Decode { frame, need_more, bad };

struct DecodeResult {
    Decode status;
    bool fin = false;
    Opcode opcode = Opcode::continuation;
    std::span<uint8_t> payload{};  // points into the input, unmasked in place unless Unmask::later
    uint8_t mask[4] = {};          // the frame's masking key
    size_t consumed = 0;           // header + payload bytes when status == frame
    uint64_t frame_size = 0;       // when need_more and the length is known: the whole frame's size
    bool header_in = false;        // when need_more: the whole header has arrived, so fin, opcode
                                   // and mask are set and payload is the part that has arrived,
                                   // still masked (enough to pass the payload on as it comes)
    uint16_t close_code = 0;       // when bad: 1002 protocol, 1009 too big
    std::string_view problem{};    // when bad: which rule was broken (static text)
};

// Decodes one client frame from the start of `in` once it has fully arrived
// (else need_more; but a data frame's header announcing a payload >
// max_payload is `bad` 1009 immediately, without waiting for the payload;
// control frames have their own bound, 125 bytes, 1002). Header rules are checked
// as soon as the bytes they concern are in, so a bad first byte is reported
// without waiting for the rest. The fragmentation sequence and UTF-8 of text
// are the session's business, not checked here.
// With Unmask::later the payload is left masked for the caller to unmask
// where it wants it (unmask(), websocket/unmask.h).
enum class Unmask : bool { in_place, later };
DecodeResult decode_frame(std::span<uint8_t> in, uint64_t max_payload, Unmask when = Unmask::in_place) noexcept;

// Server frames are never masked. Writes a header for a frame with this
// opcode/length into `out` (at least kMaxHeaderSize bytes) and returns the
// header size (2, 4 or 10).
inline constexpr size_t kMaxHeaderSize = 10;
constexpr size_t header_size(uint64_t payload_size) { return payload_size < 126 ? 2 : payload_size <= 0xffff ? 4 : 10; }
size_t write_header(uint8_t* out, Opcode opcode, uint64_t payload_size, bool fin = true) noexcept;
void append_frame(std::string& out, Opcode opcode, std::string_view payload);  // header + payload

// Close frames. A close payload is empty or a 2-byte code + UTF-8 reason.
// Valid on the wire: 1000-1003, 1007-1014, 3000-4999. Never sent: <1000,
// 1004-1006 and 1015 (reserved), 1016-2999 (unassigned), >= 5000.
bool is_valid_close_code(uint16_t code) noexcept;

struct CloseFrame {
    uint16_t code = 1005;        // 1005 = no status (the payload was empty); the code received even when invalid
    std::string_view reason{};   // view into the payload
    uint16_t error_code = 0;     // 0 ok, 1002 (1-byte payload, invalid code) or 1007 (reason not UTF-8)
    std::string_view problem{};  // when error_code != 0: which rule was broken (static text)
};
CloseFrame parse_close_payload(std::span<const uint8_t> payload) noexcept;

// Close payload to send: code + reason, the reason cut to fit 123 bytes
// without splitting a UTF-8 sequence. Code 1005 ("no status") gives an empty
// payload, as 1005 must never appear on the wire.
std::string close_payload(uint16_t code, std::string_view reason);

}  // namespace websocket
