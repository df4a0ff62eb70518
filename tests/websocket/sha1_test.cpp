#include "websocket/sha1.h"

#include <gtest/gtest.h>

#include <string>

namespace {

std::string hex(const std::array<uint8_t, 20>& digest) {
    constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    for (uint8_t byte : digest) {
        out += kHex[byte >> 4];
        out += kHex[byte & 15];
    }
    return out;
}

struct Vector {
    const char* name;
    std::string input;
    const char* digest;
};

TEST(Sha1, KnownVectors) {
    const Vector vectors[] = {
        // FIPS 180 / RFC 3174 §7.3 test vectors.
        {"empty", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
        {"896 bits",
         "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "a49b2446a02c645bf419f995b67091253a04a259"},
        {"million a", std::string(1000000, 'a'), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
        // Padding edges: 55 bytes is the most that fits one final block with
        // 0x80 and the length; 56..63 need a second block; 64 is a whole block.
        // Digests computed with coreutils sha1sum.
        {"55 a", std::string(55, 'a'), "c1c8bbdc22796e28c0e15163d20899b65621d65a"},
        {"56 a", std::string(56, 'a'), "c2db330f6083854c99d4b5bfb6e8f29f201be699"},
        {"63 a", std::string(63, 'a'), "03f09f5b158a7a8cdad920bddc29b81c18a551f5"},
        {"64 a", std::string(64, 'a'), "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
        {"65 a", std::string(65, 'a'), "11655326c708d70319be2610e8a57d9a5b959d3b"},
        // RFC 6455 §1.3: the key plus the GUID, before base64.
        {"websocket accept", "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
         "b37a4f2cc0624f1690f64606cf385945b2bec4ea"},
    };
    for (const Vector& v : vectors) EXPECT_EQ(hex(websocket::sha1(v.input)), v.digest) << v.name;
}

TEST(Sha1, BytesAboveAsciiAreUnsigned) {
    // 0xff bytes must not sign-extend into the message schedule.
    std::string input("\xff\x80\x00\x7f", 4);
    // printf '\xff\x80\x00\x7f' | sha1sum
    EXPECT_EQ(hex(websocket::sha1(input)), "ef21fd9eff320a05e57da0aa602f1e8704f39a61");
}

}  // namespace
