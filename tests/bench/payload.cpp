#include "payload.h"

#include <cstring>

#include "tests/support/ws_frames.h"

namespace bench {

Payload::Payload(size_t size, bool text, uint32_t mask_key) : size_(size), text_(text) {
    std::memcpy(key_, &mask_key, 4);
    // The frame header with its key is the same for every message.
    frame_head_size_ = support::write_frame_head(frame_head_, text_ ? 0x81 : 0x82, size_, key_);  // FIN + text or binary
    // 23 letters: a prime period, so slices 4 bytes apart never look alike.
    pattern_.resize(body_size() + 64);
    masked_.resize(pattern_.size());
    for (size_t i = 0; i < pattern_.size(); ++i) {
        pattern_[i] = static_cast<uint8_t>('a' + i % 23);
        masked_[i] = pattern_[i] ^ key_[i % 4];
    }
}

void Payload::counter(uint64_t seq, uint8_t out[8]) const {
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(kHex[(seq >> (28 - 4 * i)) & 0xf]);
}

size_t Payload::head(uint64_t seq, uint32_t conn, bool ws, bool with_body, uint8_t* out) const {
    size_t n = 0;
    if (ws) {
        std::memcpy(out, frame_head_, sizeof frame_head_);
        n = frame_head_size_;
    }
    uint8_t digits[8];
    counter(seq, digits);
    if (ws)
        for (size_t i = 0; i < 8; ++i) digits[i] ^= key_[i % 4];
    std::memcpy(out + n, digits, 8);  // kMaxHead leaves room for all 8 even when fewer count
    n += counter_size();
    if (with_body) {
        std::memcpy(out + n, body(seq, conn, ws), body_size());
        n += body_size();
    }
    return n;
}

uint8_t Payload::expected(uint64_t seq, uint32_t conn, size_t pos) const {
    if (pos < counter_size()) {
        uint8_t digits[8];
        counter(seq, digits);
        return digits[pos];
    }
    return plain_body(seq, conn)[pos - counter_size()];
}

size_t Payload::check(uint64_t seq, uint32_t conn, size_t pos, const uint8_t* data, size_t len) const {
    size_t i = 0;
    if (pos < counter_size()) {
        uint8_t digits[8];
        counter(seq, digits);
        for (; i < len && pos + i < counter_size(); ++i)
            if (data[i] != digits[pos + i]) return pos + i;
    }
    if (i == len || std::memcmp(data + i, plain_body(seq, conn) + (pos + i - counter_size()), len - i) == 0)
        return kSame;
    for (; i < len; ++i)
        if (data[i] != expected(seq, conn, pos + i)) return pos + i;
    return kSame;
}

std::string Payload::describe(uint64_t seq, uint32_t conn, size_t pos, uint8_t got) const {
    auto show = [](uint8_t c) {
        if (c >= 0x20 && c < 0x7f) return "'" + std::string(1, static_cast<char>(c)) + "'";
        return "0x" + std::string(1, "0123456789abcdef"[c >> 4]) + std::string(1, "0123456789abcdef"[c & 15]);
    };
    return "message " + std::to_string(seq) + ", payload byte " + std::to_string(pos) + " is " + show(got) +
           ", expected " + show(expected(seq, conn, pos));
}

}  // namespace bench
