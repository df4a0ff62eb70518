#include "tests/support/ws_frames.h"

namespace support {

size_t write_frame_head(uint8_t out[14], uint8_t first_byte, uint64_t payload_size, const uint8_t* key,
                        int length_bytes) {
    if (length_bytes < 0) length_bytes = payload_size < 126 ? 0 : payload_size <= 0xffff ? 2 : 8;
    const uint8_t mask_bit = key ? 0x80 : 0;
    size_t n = 0;
    out[n++] = first_byte;
    out[n++] = static_cast<uint8_t>(mask_bit | (length_bytes == 0 ? payload_size : length_bytes == 2 ? 126 : 127));
    for (int i = length_bytes - 1; i >= 0; --i) out[n++] = static_cast<uint8_t>(payload_size >> (8 * i));
    if (key)
        for (int i = 0; i < 4; ++i) out[n++] = key[i];
    return n;
}

std::string masked_frame(uint8_t first_byte, std::string_view payload, uint32_t mask, int length_bytes) {
    const uint8_t key[4] = {uint8_t(mask >> 24), uint8_t(mask >> 16), uint8_t(mask >> 8), uint8_t(mask)};
    uint8_t head[14];
    size_t head_size = write_frame_head(head, first_byte, payload.size(), key, length_bytes);
    std::string frame(reinterpret_cast<const char*>(head), head_size);
    frame.reserve(head_size + payload.size());
    for (size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ key[i % 4]);
    return frame;
}

std::string unmasked_frame(uint8_t first_byte, std::string_view payload) {
    uint8_t head[14];
    size_t head_size = write_frame_head(head, first_byte, payload.size());
    std::string frame(reinterpret_cast<const char*>(head), head_size);
    frame += payload;
    return frame;
}

std::string unmasked_frames(const std::vector<Frame>& frames) {
    std::string bytes;
    for (const Frame& f : frames) bytes += unmasked_frame(static_cast<uint8_t>((f.fin ? 0x80 : 0) | f.opcode), f.payload);
    return bytes;
}

size_t frame_head_size(uint8_t second_byte) {
    const uint8_t length7 = second_byte & 0x7f;
    return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((second_byte & 0x80) ? 4 : 0);
}

uint64_t frame_payload_size(const uint8_t* head) {
    const uint8_t length7 = head[1] & 0x7f;
    if (length7 < 126) return length7;
    const int length_bytes = length7 == 126 ? 2 : 8;
    uint64_t size = 0;
    for (int i = 0; i < length_bytes; ++i) size = (size << 8) | head[2 + i];
    return size;
}

ParsedFrame parse_server_frame(std::string_view bytes) {
    ParsedFrame frame;
    if (bytes.size() < 2) return frame;
    const auto* head = reinterpret_cast<const uint8_t*>(bytes.data());
    frame.first_byte = head[0];
    if (head[1] & 0x80) {
        frame.status = ParsedFrame::masked;
        return frame;
    }
    const size_t head_size = frame_head_size(head[1]);
    if (bytes.size() < head_size) return frame;
    const uint64_t payload_size = frame_payload_size(head);
    if (bytes.size() - head_size < payload_size) return frame;
    frame.status = ParsedFrame::complete;
    frame.payload = bytes.substr(head_size, payload_size);
    frame.size = head_size + payload_size;
    return frame;
}

std::vector<Frame> parse_server_frames(std::string_view bytes, size_t* used) {
    std::vector<Frame> frames;
    size_t at = 0;
    for (ParsedFrame f; (f = parse_server_frame(bytes.substr(at))).status == ParsedFrame::complete; at += f.size)
        frames.push_back({f.opcode(), f.fin(), std::string(f.payload), true});
    if (used) *used = at;
    return frames;
}

uint16_t close_code(std::string_view close_payload, std::string* reason) {
    if (close_payload.size() < 2) return 1005;
    if (reason) *reason = std::string(close_payload.substr(2));
    return static_cast<uint16_t>((static_cast<uint8_t>(close_payload[0]) << 8) | static_cast<uint8_t>(close_payload[1]));
}

std::string pattern(size_t size) {
    std::string out(size, '\0');
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 31 + 7) & 0xff);
    return out;
}

}  // namespace support
