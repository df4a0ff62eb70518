#include "websocket/base64.h"

#include <gtest/gtest.h>

namespace {

using websocket::base64_decode;
using websocket::base64_encode;

struct Pair {
    std::string bytes;
    std::string text;
};

const Pair kPairs[] = {
    // RFC 4648 §10.
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
    // Both ends of the alphabet, and bytes above 0x7f.
    {std::string("\xfb\xff\xbf", 3), "+/+/"},
    {std::string("\x00\x00\x00", 3), "AAAA"},
    {std::string("\xff\xff\xff", 3), "////"},
    // RFC 6455 §1.3 sample key and accept value.
    {"the sample nonce", "dGhlIHNhbXBsZSBub25jZQ=="},
    {std::string("\xb3\x7a\x4f\x2c\xc0\x62\x4f\x16\x90\xf6\x46\x06\xcf\x38\x59\x45\xb2\xbe\xc4\xea", 20),
     "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
};

TEST(Base64, Encode) {
    for (const Pair& p : kPairs) EXPECT_EQ(base64_encode(p.bytes), p.text) << p.text;
}

TEST(Base64, Decode) {
    for (const Pair& p : kPairs) {
        auto decoded = base64_decode(p.text);
        ASSERT_TRUE(decoded.ok()) << p.text << ": " << decoded.error().message;
        EXPECT_EQ(decoded.value(), p.bytes) << p.text;
    }
}

TEST(Base64, RoundTripsEveryByteAndLength) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    for (size_t size = 0; size <= bytes.size(); ++size) {
        std::string prefix = bytes.substr(0, size);
        auto decoded = base64_decode(base64_encode(prefix));
        ASSERT_TRUE(decoded.ok()) << size;
        EXPECT_EQ(decoded.value(), prefix) << size;
    }
}

struct BadCase {
    const char* name;
    std::string text;
    const char* message;
};

TEST(Base64, DecodeRefuses) {
    const BadCase cases[] = {
        {"length", "Zm9", "base64 length 3 is not a multiple of 4"},
        {"missing padding", "Zg", "base64 length 2 is not a multiple of 4"},
        {"lone pad", "=", "base64 length 1 is not a multiple of 4"},
        {"trailing newline", "Zm9v\n", "base64 length 5 is not a multiple of 4"},
        {"outside alphabet", "Zm9!", "base64 position 3: '!' is not in the alphabet"},
        {"url-safe alphabet", "-_-_", "base64 position 0: '-' is not in the alphabet"},
        {"space", "Zm 9", "base64 position 2: ' ' is not in the alphabet"},
        {"line break", "Zm9v\r\nYg==", "base64 length 10 is not a multiple of 4"},
        {"line break in group", "Zm\r\n", "base64 position 2: byte 0x0d is not in the alphabet"},
        {"high byte", "Zm9\xc3", "base64 position 3: byte 0xc3 is not in the alphabet"},
        {"pad in middle", "Zg==Zm9v", "base64 position 2: '=' is padding before the end"},
        {"pad then data", "Zm=v", "base64 position 2: '=' is padding before the end"},
        {"three pads", "Z===", "base64 position 1: '=' is padding before the end"},
        {"only pads", "====", "base64 position 0: '=' is padding before the end"},
        {"non-zero bits, two pads", "Zh==", "base64 position 1: 'h' leaves non-zero bits before the padding"},
        {"non-zero bits, one pad", "Zm9=", "base64 position 2: '9' leaves non-zero bits before the padding"},
    };
    for (const BadCase& c : cases) {
        auto decoded = base64_decode(c.text);
        ASSERT_FALSE(decoded.ok()) << c.name;
        EXPECT_EQ(decoded.error().message, c.message) << c.name;
    }
}

}  // namespace
