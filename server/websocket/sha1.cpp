// SHA-1 as in FIPS 180-4: 512-bit blocks, message padded with 0x80, zeros and
// the 64-bit big-endian bit length. Own implementation: the product links only
// libc and the C++ standard library.
#include "websocket/sha1.h"

#include <cstring>

namespace websocket {

namespace {

uint32_t rotl(uint32_t x, int bits) { return (x << bits) | (x >> (32 - bits)); }

uint32_t load_be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void process_block(std::array<uint32_t, 5>& h, const uint8_t* block) {
    uint32_t w[80];
    for (int t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 80; ++t) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int t = 0; t < 80; ++t) {
        uint32_t f, k;
        if (t < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (t < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (t < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        uint32_t temp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

}  // namespace

std::array<uint8_t, 20> sha1(std::string_view data) noexcept {
    std::array<uint32_t, 5> h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
    size_t whole = data.size() / 64 * 64;
    for (size_t offset = 0; offset < whole; offset += 64) process_block(h, bytes + offset);

    // The tail plus padding takes one block, or two when fewer than 9 bytes
    // (0x80 and the 8-byte length) are left after the tail.
    uint8_t tail[128] = {};
    size_t tail_size = data.size() - whole;
    if (tail_size > 0) std::memcpy(tail, bytes + whole, tail_size);
    tail[tail_size] = 0x80;
    size_t tail_blocks = tail_size + 9 <= 64 ? 1 : 2;
    uint64_t bit_length = uint64_t{data.size()} * 8;
    for (int i = 0; i < 8; ++i)
        tail[tail_blocks * 64 - 1 - i] = static_cast<uint8_t>(bit_length >> (8 * i));
    for (size_t i = 0; i < tail_blocks; ++i) process_block(h, tail + 64 * i);

    std::array<uint8_t, 20> digest;
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<uint8_t>(h[i] >> (24 - 8 * j));
    return digest;
}

}  // namespace websocket
