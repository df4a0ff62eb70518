// A DFA over byte classes, built from Unicode Table 3-7 (well-formed UTF-8 byte
// sequences), so each state knows the exact range its next byte must be in:
// E0 needs A0..BF (no overlongs), ED needs 80..9F (no surrogates), F0 needs
// 90..BF, F4 needs 80..8F (nothing above U+10FFFF). Runs of ASCII between
// characters are skipped 8 bytes at a time: echoed chat text is mostly ASCII.
#include "websocket/utf8.h"

#include <array>
#include <cstring>

namespace websocket {

namespace {

enum State : uint8_t {
    kAccept,      // between characters
    kReject,      // absorbing: some byte was invalid
    kNeed1,       // one continuation byte 80..BF left
    kNeed2,       // two continuation bytes 80..BF left
    kAfterE0,     // next A0..BF, then one more
    kAfterED,     // next 80..9F, then one more
    kNeed3,       // after F1..F3: next 80..BF, then two more
    kAfterF0,     // next 90..BF, then two more
    kAfterF4,     // next 80..8F, then two more
    kStateCount,
};

enum ByteClass : uint8_t {
    kAscii,      // 00..7F
    kCont80,     // 80..8F
    kCont90,     // 90..9F
    kContA0,     // A0..BF
    kInvalid,    // C0, C1 (always overlong), F5..FF (beyond U+10FFFF)
    kLead2,      // C2..DF
    kLeadE0,     // E0
    kLead3,      // E1..EC, EE, EF
    kLeadED,     // ED
    kLeadF0,     // F0
    kLead4,      // F1..F3
    kLeadF4,     // F4
    kClassCount,
};

constexpr std::array<uint8_t, 256> make_classes() {
    std::array<uint8_t, 256> classes{};
    for (int b = 0; b < 256; ++b) {
        ByteClass c = kInvalid;
        if (b <= 0x7f) c = kAscii;
        else if (b <= 0x8f) c = kCont80;
        else if (b <= 0x9f) c = kCont90;
        else if (b <= 0xbf) c = kContA0;
        else if (b <= 0xc1) c = kInvalid;
        else if (b <= 0xdf) c = kLead2;
        else if (b == 0xe0) c = kLeadE0;
        else if (b == 0xed) c = kLeadED;
        else if (b <= 0xef) c = kLead3;
        else if (b == 0xf0) c = kLeadF0;
        else if (b <= 0xf3) c = kLead4;
        else if (b == 0xf4) c = kLeadF4;
        classes[b] = c;
    }
    return classes;
}

using Transitions = std::array<std::array<uint8_t, kClassCount>, kStateCount>;

constexpr Transitions make_transitions() {
    Transitions next{};
    for (auto& row : next)
        for (auto& cell : row) cell = kReject;
    next[kAccept][kAscii] = kAccept;
    next[kAccept][kLead2] = kNeed1;
    next[kAccept][kLeadE0] = kAfterE0;
    next[kAccept][kLead3] = kNeed2;
    next[kAccept][kLeadED] = kAfterED;
    next[kAccept][kLeadF0] = kAfterF0;
    next[kAccept][kLead4] = kNeed3;
    next[kAccept][kLeadF4] = kAfterF4;
    for (uint8_t c : {kCont80, kCont90, kContA0}) {
        next[kNeed1][c] = kAccept;
        next[kNeed2][c] = kNeed1;
        next[kNeed3][c] = kNeed2;
    }
    next[kAfterE0][kContA0] = kNeed1;
    next[kAfterED][kCont80] = kNeed1;
    next[kAfterED][kCont90] = kNeed1;
    next[kAfterF0][kCont90] = kNeed2;
    next[kAfterF0][kContA0] = kNeed2;
    next[kAfterF4][kCont80] = kNeed2;
    return next;
}

constexpr std::array<uint8_t, 256> kClasses = make_classes();
constexpr Transitions kNext = make_transitions();

constexpr uint64_t kHighBits = 0x8080808080808080ull;

}  // namespace

bool Utf8Validator::feed(const uint8_t* data, size_t size) noexcept {
    uint8_t state = state_;
    size_t i = 0;
    while (i < size) {
        if (state == kAccept) {
            uint64_t word;
            while (i + 8 <= size && (std::memcpy(&word, data + i, 8), (word & kHighBits) == 0)) i += 8;
            while (i < size && data[i] < 0x80) ++i;
            if (i == size) break;
        }
        state = kNext[state][kClasses[data[i]]];
        ++i;
        if (state == kReject) break;
    }
    state_ = state;
    return state != kReject;
}

bool is_valid_utf8(std::string_view text) noexcept {
    Utf8Validator validator;
    return validator.feed(reinterpret_cast<const uint8_t*>(text.data()), text.size()) && validator.complete();
}

}  // namespace websocket
