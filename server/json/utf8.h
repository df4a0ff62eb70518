// UTF-8 stepping shared by the reader (which rejects ill-formed bytes) and the
// writer (which replaces them). Well-formed means RFC 3629: no overlong forms,
// no surrogates (U+D800..DFFF), nothing above U+10FFFF. An ill-formed run is
// cut into "maximal subparts" (Unicode 15 §3.9, the WHATWG decoder), each
// worth one U+FFFD: so a lone 0x80 is one, the overlong 0xC0 0xAF two, and
// the truncated 0xE2 0x82 one.
#pragma once

#include <cstddef>
#include <string_view>

namespace json {

struct Utf8Step {
    size_t length;  // bytes of the code point, or of the maximal ill-formed subpart
    bool valid;
};

// pos < text.size()
inline Utf8Step utf8_step(std::string_view text, size_t pos) noexcept {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) return {1, true};
    size_t continuation = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuation = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuation = 2;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuation = 3;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        return {1, false};  // continuation byte, 0xC0, 0xC1 or 0xF5..0xFF
    }
    for (size_t i = 1; i <= continuation; ++i) {
        if (pos + i >= text.size()) return {i, false};
        const auto byte = static_cast<unsigned char>(text[pos + i]);
        if (byte < low || byte > high) return {i, false};
        low = 0x80;
        high = 0xBF;
    }
    return {continuation + 1, true};
}

}  // namespace json
