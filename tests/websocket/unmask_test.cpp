// Every way of unmasking this CPU can run (websocket/unmask.h) against the
// definition, RFC 6455 §5.3: byte i XOR key[i % 4], over every size around
// the block and alignment boundaries, every start address within a cache
// line, and destinations at and below the source as the echo path uses them.
#include "websocket/unmask.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tests/support/ws_frames.h"

namespace {

using Bytes = std::vector<uint8_t>;

Bytes pattern(size_t size) {
    const std::string text = support::pattern(size);
    return Bytes(text.begin(), text.end());
}

std::vector<size_t> sizes() {
    std::vector<size_t> out;
    for (size_t size = 0; size <= 200; ++size) out.push_back(size);
    for (size_t size : {255, 256, 257, 383, 384, 511, 512, 513, 575, 576, 577, 639, 640, 700, 1023, 1024, 1031, 4099})
        out.push_back(size);
    out.push_back(65536 + 7);
    return out;
}

// Runs `variant` with `to` at `align` past a 64-byte boundary and the source
// `shift` bytes above it, and checks what it wrote and what it left alone.
void check(const websocket::UnmaskVariant& variant, size_t size, size_t shift, size_t align) {
    static const uint8_t key[4] = {0x01, 0x80, 0xfe, 0x5a};
    constexpr size_t kGuard = 80;
    const Bytes plain = pattern(size);
    Bytes buffer(64 + kGuard + align + shift + size + kGuard, 0xee);
    uint8_t* line = buffer.data() + ((64 - (reinterpret_cast<uintptr_t>(buffer.data()) & 63)) & 63);
    uint8_t* to = line + kGuard + align;
    for (size_t i = 0; i < size; ++i) to[shift + i] = plain[i] ^ key[i % 4];
    const Bytes before = buffer;
    variant.run(to, to + shift, size, key);
    const std::string where = std::string(variant.name) + ": size " + std::to_string(size) + " shift " +
                              std::to_string(shift) + " align " + std::to_string(align);
    ASSERT_TRUE(std::equal(plain.begin(), plain.end(), to)) << where;
    // Only [to, to + size) is written: source bytes past it and the guards
    // on both sides keep their values.
    const size_t first = static_cast<size_t>(to - buffer.data()), last = first + size;
    for (size_t i = 0; i < buffer.size(); ++i) {
        if (i >= first && i < last) continue;
        ASSERT_EQ(buffer[i], before[i]) << "byte " << i << " written; " << where;
    }
}

TEST(UnmaskVariants, TheDefinitionAndTheVectorsAreAlwaysThere) {
    std::vector<std::string> names;
    for (const auto& variant : websocket::unmask_variants()) names.emplace_back(variant.name);
    ASSERT_GE(names.size(), 2u);
    EXPECT_EQ(names[0], "bytes");
    EXPECT_EQ(names[1], "vector16");
#if defined(__x86_64__)
    // unmask() runs the last one: AVX2 wherever the CPU has it.
    EXPECT_EQ(names.back(), __builtin_cpu_supports("avx2") ? "avx2" : "vector16");
#endif
}

TEST(UnmaskVariants, EverySizeShiftAndAlignment) {
    for (const auto& variant : websocket::unmask_variants()) {
        for (size_t size : sizes()) {
            for (size_t shift : {0, 1, 2, 3, 4, 5, 8, 13, 16, 20, 64, 100}) {  // 0: in place; 4: the echo's usual
                for (size_t align = 0; align < 64; align += size > 700 ? 7 : 1) {
                    check(variant, size, shift, align);
                    if (::testing::Test::HasFatalFailure()) return;
                }
            }
        }
    }
}

// unmask() itself, which takes short payloads past the variants: the same
// contract, the echo's overlaps included.
TEST(Unmask, EverySizeShiftAndAlignment) {
    const websocket::UnmaskVariant itself = {
        "unmask()", [](uint8_t* to, const uint8_t* from, size_t size, const uint8_t key[4]) noexcept {
            websocket::unmask(to, {from, size}, key);
        }};
    for (size_t size : sizes()) {
        for (size_t shift : {0, 1, 4, 13}) {
            for (size_t align = 0; align < 64; align += size > 700 ? 7 : 3) {
                check(itself, size, shift, align);
                if (::testing::Test::HasFatalFailure()) return;
            }
        }
    }
}

TEST(UnmaskVariants, RfcExample) {
    // RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d.
    const uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
    const Bytes masked = {0x7f, 0x9f, 0x4d, 0x51, 0x58};
    for (const auto& variant : websocket::unmask_variants()) {
        Bytes out(5);
        variant.run(out.data(), masked.data(), masked.size(), key);
        EXPECT_EQ(std::string(out.begin(), out.end()), "Hello") << variant.name;
    }
    Bytes out(5);
    websocket::unmask(out.data(), masked, key);
    EXPECT_EQ(std::string(out.begin(), out.end()), "Hello");
}

TEST(Unmask, IntoASeparateBuffer) {
    const uint8_t key[4] = {0xde, 0xad, 0xbe, 0xef};
    for (size_t size : sizes()) {
        const Bytes plain = pattern(size);
        Bytes masked(size);
        for (size_t i = 0; i < size; ++i) masked[i] = plain[i] ^ key[i % 4];
        const Bytes source = masked;
        Bytes out(size + 8, 0xee);
        websocket::unmask(out.data() + 4, masked, key);
        ASSERT_TRUE(std::equal(plain.begin(), plain.end(), out.begin() + 4)) << size;
        EXPECT_EQ(masked, source) << size;  // the source is only read
        for (size_t i : {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size + 4, size + 5, size + 6, size + 7})
            EXPECT_EQ(out[i], 0xee) << size << " byte " << i;
    }
}

}  // namespace
