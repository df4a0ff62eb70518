// The mask phase is tied to the offset in the payload, not to the address, so
// memcpy loads and stores make any alignment correct. Each block is loaded
// before it is stored, and blocks go up in address order, so a destination at
// or below the source is safe even when they overlap: a store only reaches
// source bytes that are already loaded.
#include "websocket/unmask.h"

#include <bit>
#include <cstring>

namespace websocket {

namespace {

constexpr size_t kMaskSize = 4;

void unmask_bytes(uint8_t* to, const uint8_t* from, size_t size, const uint8_t key[4]) noexcept {
    for (size_t i = 0; i < size; ++i) to[i] = from[i] ^ key[i % kMaskSize];
}

// The key as 8 bytes for byte `offset` of the payload onwards: one 4-byte
// load, doubled and rotated (byte stores read back as a word would stall).
uint64_t key_word(const uint8_t key[4], size_t offset) noexcept {
    uint32_t half;
    std::memcpy(&half, key, kMaskSize);
    const uint64_t word = (uint64_t{half} << 32) | half;  // both halves alike: the same in either byte order
    const int bits = static_cast<int>(8 * (offset % kMaskSize));
    return std::endian::native == std::endian::little ? std::rotr(word, bits) : std::rotl(word, bits);
}

// Unmasks bytes [0, n) of `from` as words, then single bytes; `mask` is the
// key for byte 0 onwards (key_word), so for every byte at a multiple of 8.
// Inlined into each variant, so that no AVX2 code calls out with the upper
// halves of its registers in use (the compiler clears them on return).
[[gnu::always_inline]] inline void unmask_words(uint8_t* to, const uint8_t* from, size_t n, uint64_t mask) noexcept {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        std::memcpy(&word, from + i, 8);
        word ^= mask;
        std::memcpy(to + i, &word, 8);
    }
    uint8_t bytes[8];
    std::memcpy(bytes, &mask, 8);
    for (; i < n; ++i) to[i] = from[i] ^ bytes[i % 8];
}

// How many bytes to unmask as words and bytes before `to` is 64-byte aligned: none
// for payloads too short for aligned stores to pay back the detour. The key
// is re-phased for what follows, so any count is right.
size_t head_for(const uint8_t* to, size_t size) noexcept {
    constexpr size_t kAlignFrom = 512;
    if (size < kAlignFrom) return 0;
    return (64 - (reinterpret_cast<uintptr_t>(to) & 63)) & 63;
}

// Concrete types: gcc drops vector_size from an alias template.
using Vector16 = uint64_t __attribute__((vector_size(16)));
using Vector32 = uint64_t __attribute__((vector_size(32)));
constexpr size_t kSmallestBlock = 4 * sizeof(Vector16);  // a turn of unmask_blocks

// The head up to an aligned `to`, four vectors a turn, then words and bytes.
// Separate variables, not an array: gcc 12 writes an array back to the
// stack. Always inlined, so that the AVX2 caller compiles it for AVX2.
template <class Vector>
[[gnu::always_inline]] inline void unmask_blocks(uint8_t* to, const uint8_t* from, size_t size,
                                                const uint8_t key[4]) noexcept {
    const size_t head = head_for(to, size);
    uint64_t mask = key_word(key, 0);
    if (head > 0) {
        unmask_words(to, from, head, mask);
        mask = key_word(key, head);
    }
    constexpr size_t kBytes = sizeof(Vector);
    const Vector masks = Vector{} ^ mask;  // the word in every lane
    size_t i = head;
    for (; i + 4 * kBytes <= size; i += 4 * kBytes) {
        Vector a, b, c, d;
        std::memcpy(&a, from + i, kBytes);
        std::memcpy(&b, from + i + kBytes, kBytes);
        std::memcpy(&c, from + i + 2 * kBytes, kBytes);
        std::memcpy(&d, from + i + 3 * kBytes, kBytes);
        a ^= masks, b ^= masks, c ^= masks, d ^= masks;
        std::memcpy(to + i, &a, kBytes);
        std::memcpy(to + i + kBytes, &b, kBytes);
        std::memcpy(to + i + 2 * kBytes, &c, kBytes);
        std::memcpy(to + i + 3 * kBytes, &d, kBytes);
    }
    unmask_words(to + i, from + i, size - i, mask);  // i - head is a multiple of 4: the same phase
}

void unmask_vector16(uint8_t* to, const uint8_t* from, size_t size, const uint8_t key[4]) noexcept {
    unmask_blocks<Vector16>(to, from, size, key);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PEER_PLAN_UNMASK_AVX2 1
__attribute__((target("avx2"))) void unmask_avx2(uint8_t* to, const uint8_t* from, size_t size,
                                                 const uint8_t key[4]) noexcept {
    unmask_blocks<Vector32>(to, from, size, key);
}
#endif

struct Variants {
    UnmaskVariant list[3];
    size_t count = 0;
};

Variants detect() noexcept {
    Variants found;
    found.list[found.count++] = {"bytes", unmask_bytes};
    found.list[found.count++] = {"vector16", unmask_vector16};
#ifdef PEER_PLAN_UNMASK_AVX2
    if (__builtin_cpu_supports("avx2")) found.list[found.count++] = {"avx2", unmask_avx2};
#endif
    return found;
}

const Variants& variants() noexcept {
    static const Variants found = detect();
    return found;
}

// Chosen as the program starts (no guard to test on every call); nothing
// unmasks before main().
const auto fastest = variants().list[variants().count - 1].run;

}  // namespace

std::span<const UnmaskVariant> unmask_variants() noexcept { return {variants().list, variants().count}; }

void unmask(uint8_t* to, std::span<const uint8_t> from, const uint8_t key[4]) noexcept {
    // Below the smallest block of any variant, each runs only its words
    // loop; most messages are that short, so they skip the call through a pointer.
    if (from.size() < kSmallestBlock) return unmask_words(to, from.data(), from.size(), key_word(key, 0));
    fastest(to, from.data(), from.size(), key);
}

}  // namespace websocket
