// RFC 4648 §4 base64, strict: see base64.h for what is refused and why.
#include "websocket/base64.h"

#include <array>
#include <cstdint>

namespace websocket {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr uint8_t kNotBase64 = 0xff;
constexpr uint8_t kPad = 0xfe;

constexpr std::array<uint8_t, 256> make_decode_table() {
    std::array<uint8_t, 256> table{};
    for (auto& entry : table) entry = kNotBase64;
    for (size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
    table['='] = kPad;
    return table;
}

constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

Error position_error(size_t position, char c, std::string_view rule) {
    std::string shown;
    auto byte = static_cast<uint8_t>(c);
    if (byte >= 0x20 && byte < 0x7f) {
        shown = std::string("'") + c + "'";
    } else {
        constexpr std::string_view kHex = "0123456789abcdef";
        shown = std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 15];
    }
    return Error{"base64 position " + std::to_string(position) + ": " + shown + " " + std::string(rule)};
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t group = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                         (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) | static_cast<uint8_t>(bytes[i + 2]);
        out += kAlphabet[group >> 18];
        out += kAlphabet[(group >> 12) & 63];
        out += kAlphabet[(group >> 6) & 63];
        out += kAlphabet[group & 63];
    }
    size_t left = bytes.size() - i;
    if (left > 0) {
        uint32_t group = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
        if (left == 2) group |= uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8;
        out += kAlphabet[group >> 18];
        out += kAlphabet[(group >> 12) & 63];
        out += left == 2 ? kAlphabet[(group >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

Result<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0)
        return Error{"base64 length " + std::to_string(text.size()) + " is not a multiple of 4"};
    // Padding may only be the last one or two characters of the text.
    size_t padding = 0;
    if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
    size_t data_end = text.size() - padding;

    std::string out;
    out.reserve(text.size() / 4 * 3);
    uint32_t bits = 0;
    int bit_count = 0;
    for (size_t i = 0; i < data_end; ++i) {
        uint8_t value = kDecode[static_cast<uint8_t>(text[i])];
        if (value == kPad) return position_error(i, text[i], "is padding before the end");
        if (value == kNotBase64) return position_error(i, text[i], "is not in the alphabet");
        bits = (bits << 6) | value;
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out += static_cast<char>((bits >> bit_count) & 0xff);
        }
    }
    // With one '=' there are 2 bits left over, with two '=' 4 bits; RFC 4648
    // §3.5 lets a decoder refuse them when non-zero, and we do so that every
    // byte string has one spelling.
    if ((bits & ((1u << bit_count) - 1)) != 0)
        return position_error(data_end - 1, text[data_end - 1], "leaves non-zero bits before the padding");
    return out;
}

}  // namespace websocket
