#include "base/log.h"

#include "base/civil_time.h"
#include "base/clock.h"

namespace base {
namespace {

std::string& log_name() {
    static std::string name;
    return name;
}

void append_hex(std::string& out, uint32_t value, int digits) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 15];
}

// The length of the valid UTF-8 sequence at text[i] (2 to 4), 0 if none; *code is its code point.
size_t utf8_sequence(std::string_view text, size_t i, uint32_t* code) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead < 0xe0 ? 2 : 0;
    if (length == 0 || i + length > text.size()) return 0;
    uint32_t value = lead & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80) return 0;
        value = value << 6 | (byte(i + k) & 0x3f);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < kSmallest[length] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return 0;
    *code = value;
    return length;
}

}  // namespace

std::string escape_for_log(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            if (c == '\\') out += '\\';
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        uint32_t code = c;
        size_t length = c < 0x80 ? 1 : utf8_sequence(text, i, &code);
        if (length == 0) {
            out += "\\x";
            append_hex(out, c, 2);
            ++i;
            continue;
        }
        out += code > 0xffff ? "\\U" : "\\u";
        append_hex(out, code, code > 0xffff ? 8 : 4);
        i += length;
    }
    return out;
}

void set_log_name(std::string name) { log_name() = std::move(name); }

std::string log_timestamp() { return format_iso8601_ms(wall_ms()); }

std::string client_line(std::string_view peer, std::string_view message) {
    std::string line = log_timestamp();
    line += " [";
    line += escape_for_log(log_name());
    line += "] ";
    line += escape_for_log(peer);
    line += ' ';
    line += escape_for_log(message);
    return line;
}

}  // namespace base
