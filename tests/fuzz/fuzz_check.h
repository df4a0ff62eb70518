// Shared by the libFuzzer targets: an invariant check that reports what broke
// and aborts (libFuzzer then saves the input as crash-<sha1>), and a small
// deterministic generator so that chunk splits are a function of the input
// and every crash replays exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                          \
    do {                                                                                     \
        if (!(condition)) {                                                                  \
            std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", __FILE__, __LINE__,   \
                         what, #condition);                                                  \
            std::abort();                                                                    \
        }                                                                                    \
    } while (0)

namespace fuzz {

// splitmix64: tiny, good enough to spread chunk sizes, seeded from the input.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // A chunk size in 1..limit, small sizes favoured: splits inside headers
    // and multi-byte sequences are what matter.
    size_t chunk(size_t limit) {
        if (limit <= 1) return 1;
        uint64_t r = next();
        size_t cap = (r & 3) == 0 ? limit : (r & 3) == 1 ? 16 : 4;
        if (cap > limit) cap = limit;
        return 1 + static_cast<size_t>((r >> 8) % cap);
    }

private:
    uint64_t state_;
};

// FNV-1a over the input: the seed of the splits.
inline uint64_t hash(const uint8_t* data, size_t size) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
    return h;
}

}  // namespace fuzz
