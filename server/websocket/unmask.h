// Unmasking (RFC 6455 §5.3), the one loop over every payload byte on the echo
// path, in the ways this CPU can run it. unmask() picks the fastest once;
// unmask_variants() lists every one built and runnable here, so that tests hold each
// to the same contract on its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace websocket {

// Writes `from` XOR the masking key to `to`: byte i with key[i % 4]. `to` may
// overlap `from` as long as it does not start after it (unmasking can move a
// payload down); only [to, to + from.size()) is written.
void unmask(uint8_t* to, std::span<const uint8_t> from, const uint8_t key[4]) noexcept;

struct UnmaskVariant {
    const char* name;
    void (*run)(uint8_t* to, const uint8_t* from, size_t size, const uint8_t key[4]) noexcept;
};

// "bytes" (the definition, one byte at a time), "vector16" (16-byte vectors:
// SSE2, NEON; what runs where nothing wider does) and, on x86-64 CPUs with
// AVX2, "avx2", which unmask() then uses. The wide ones store to 64-byte
// aligned addresses once a payload is long enough: on the Zen 4 this was
// measured on, unaligned 16-byte stores ran at 47 GB/s in L2, aligned 32-byte
// ones at 89-98 (docs/benchmarks.md).
std::span<const UnmaskVariant> unmask_variants() noexcept;

}  // namespace websocket
