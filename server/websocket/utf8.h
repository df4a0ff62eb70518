// UTF-8 validation for WebSocket text messages and close reasons (RFC 6455
// §8.1: invalid UTF-8 closes with 1007). Well-formed means Unicode Table 3-7
// (RFC 3629): no overlong forms, no surrogates U+D800..U+DFFF, nothing above
// U+10FFFF. Incremental, because a fragmented text message is checked frame by
// frame as it arrives, and fail-fast: a byte that no continuation could make
// valid is reported by the feed() that contains it (0xED 0xA0 fails at 0xA0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace websocket {

class Utf8Validator {
public:
    // False once any byte fed so far (in this or an earlier call) cannot be
    // part of well-formed UTF-8; stays false until reset().
    bool feed(const uint8_t* data, size_t size) noexcept;
    // True when the bytes so far do not end in the middle of a sequence (and
    // none was invalid): check this at the end of a message.
    bool complete() const noexcept { return state_ == 0; }
    void reset() noexcept { state_ = 0; }

private:
    uint8_t state_ = 0;  // a state of the DFA in utf8.cpp, 0 = between characters
};

bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace websocket
