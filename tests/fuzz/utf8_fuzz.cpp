// libFuzzer target: websocket::Utf8Validator and is_valid_utf8 against a
// plain reference decoder written straight from Unicode Table 3-7, and
// against json::utf8_step (the JSON reader's and writer's own stepping).
// Invariants:
// - is_valid_utf8 agrees with the reference and with json::utf8_step;
// - fed one byte at a time, feed() turns false exactly at the first byte
//   that no continuation could make valid, and complete() is true exactly at
//   character boundaries;
// - fed in random splits, the first false is the chunk holding that byte,
//   every later feed is false, and the end result equals is_valid_utf8;
// - reset() gives a fresh validator.
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "json/utf8.h"
#include "websocket/utf8.h"

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

struct Reference {
    size_t fails_at = kNone;             // first hopeless byte
    std::vector<bool> boundary;          // boundary[i]: the first i bytes end between characters
};

Reference reference(const uint8_t* s, size_t n) {
    Reference ref;
    ref.boundary.assign(n + 1, false);
    ref.boundary[0] = true;
    size_t i = 0;
    while (i < n) {
        uint8_t lead = s[i];
        size_t length = 0;
        uint8_t low = 0x80, high = 0xbf;
        if (lead <= 0x7f) length = 1;
        else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
        else if (lead == 0xe0) length = 3, low = 0xa0;
        else if (lead == 0xed) length = 3, high = 0x9f;
        else if (lead >= 0xe1 && lead <= 0xef) length = 3;
        else if (lead == 0xf0) length = 4, low = 0x90;
        else if (lead == 0xf4) length = 4, high = 0x8f;
        else if (lead >= 0xf1 && lead <= 0xf3) length = 4;
        if (length == 0) {
            ref.fails_at = i;
            return ref;
        }
        for (size_t k = 1; k < length; ++k) {
            if (i + k >= n) return ref;  // truncated: not (yet) invalid, not complete
            uint8_t byte = s[i + k];
            if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xbf)) {
                ref.fails_at = i + k;
                return ref;
            }
        }
        i += length;
        ref.boundary[i] = true;
    }
    return ref;
}

bool valid_by_json_step(std::string_view text) {
    for (size_t pos = 0; pos < text.size();) {
        json::Utf8Step step = json::utf8_step(text, pos);
        if (!step.valid) return false;
        pos += step.length;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    Reference ref = reference(data, size);
    bool valid = ref.fails_at == kNone && ref.boundary[size];
    FUZZ_CHECK(websocket::is_valid_utf8(text) == valid, "is_valid_utf8 agrees with the reference");
    FUZZ_CHECK(valid_by_json_step(text) == valid, "json::utf8_step agrees with the reference");

    websocket::Utf8Validator bytewise;
    for (size_t i = 0; i < size; ++i) {
        bool ok = bytewise.feed(data + i, 1);
        FUZZ_CHECK(ok == (ref.fails_at == kNone || i < ref.fails_at), "fails exactly at the first hopeless byte");
        bool before_failure = ref.fails_at == kNone || i < ref.fails_at;
        FUZZ_CHECK(bytewise.complete() == (before_failure && ref.boundary[i + 1]), "complete() at boundaries only");
    }

    fuzz::Rng rng(fuzz::hash(data, size));
    websocket::Utf8Validator split;
    for (int round = 0; round < 2; ++round) {
        bool failed = false;
        for (size_t pos = 0; pos < size;) {
            size_t chunk = rng.chunk(size - pos);
            bool ok = split.feed(data + pos, chunk);
            bool holds_bad_byte = ref.fails_at != kNone && ref.fails_at < pos + chunk;
            FUZZ_CHECK(ok == !holds_bad_byte, "a split feed fails once it holds the hopeless byte");
            FUZZ_CHECK(!failed || !ok, "stays invalid until reset");
            failed = !ok;
            pos += chunk;
        }
        FUZZ_CHECK(split.feed(data, 0) == !failed, "an empty feed changes nothing");
        FUZZ_CHECK(split.complete() == valid, "split feeding ends where is_valid_utf8 does");
        split.reset();
        FUZZ_CHECK(split.complete(), "reset() starts between characters");
    }
    return 0;
}
