// WebSocket frames as the tests write and read them, the one home of the
// masked-frame builder and the frame reader for every suite (unit,
// integration, load, bench, fuzz seeds): pure bytes, no sockets. Tested in
// tests/support/ws_frames_test.cpp against RFC 6455 §5.7.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace support {

constexpr uint32_t kRfcMask = 0x37fa213d;  // RFC 6455 §5.7's masking key, 37 fa 21 3d

// The bytes of a frame header: `first_byte` (FIN, RSV, opcode), the payload
// length in the shortest form (or forced: `length_bytes` 0, 2 or 8), and the
// masking key when `key` is given. Returns its size (at most 14).
size_t write_frame_head(uint8_t out[14], uint8_t first_byte, uint64_t payload_size, const uint8_t* key = nullptr,
                        int length_bytes = -1);

// A client frame: masked with `mask` (big-endian: 0x37fa213d masks with 37 fa 21 3d).
std::string masked_frame(uint8_t first_byte, std::string_view payload, uint32_t mask = kRfcMask,
                         int length_bytes = -1);

struct Frame {
    uint8_t opcode = 0;
    bool fin = false;
    std::string payload;
    bool ok = false;  // false: incomplete, masked (a server must not mask) or not read at all
};

// A server frame: unmasked, shortest length form.
std::string unmasked_frame(uint8_t first_byte, std::string_view payload);
// `frames` end to end, as a server sends them.
std::string unmasked_frames(const std::vector<Frame>& frames);

// The size of a header from its second byte: 2, 4 or 10, plus 4 when the
// mask bit is set.
size_t frame_head_size(uint8_t second_byte);
// The payload length in a complete header.
uint64_t frame_payload_size(const uint8_t* head);

// One frame at the start of `bytes`, as read from a server.
struct ParsedFrame {
    enum Status { complete, need_more, masked } status = need_more;
    uint8_t first_byte = 0;
    std::string_view payload;  // into `bytes`
    size_t size = 0;           // header + payload, when complete
    uint8_t opcode() const { return first_byte & 0x0f; }
    bool fin() const { return (first_byte & 0x80) != 0; }
};
ParsedFrame parse_server_frame(std::string_view bytes);

// Every whole server frame at the start of `bytes`; stops at the first
// incomplete (or masked) one. `*used` (if given) is how many bytes they took.
std::vector<Frame> parse_server_frames(std::string_view bytes, size_t* used = nullptr);

// The code of a close frame's payload (1005 when empty) and its reason.
uint16_t close_code(std::string_view close_payload, std::string* reason = nullptr);

// `size` bytes of test payload that no two neighbouring offsets share (byte i
// is 31 i + 7), so a moved, dropped or doubled byte shows.
std::string pattern(size_t size);

}  // namespace support
