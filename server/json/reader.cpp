#include "json/reader.h"

#include <cstdint>
#include <cstdio>

#include "base/ascii.h"
#include "json/utf8.h"

namespace json {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
using base::is_digit;

std::string hex_byte(unsigned char byte) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "0x%02X", byte);
    return buffer;
}

void append_utf8(std::string& out, uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    bool document(Value& out);
    size_t error_offset() const { return error_offset_; }
    std::string& error_message() { return error_message_; }

private:
    bool fail(size_t offset, std::string message) {
        error_offset_ = offset;
        error_message_ = std::move(message);
        return false;
    }
    bool end_of_input() { return fail(text_.size(), "unexpected end of input"); }
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }
    unsigned char byte(size_t at) const { return static_cast<unsigned char>(text_[at]); }
    void skip_space() {
        while (!at_end() && is_space(peek())) ++pos_;
    }

    bool value(Value& out, int depth);
    bool array(Value& out, int depth);
    bool object(Value& out, int depth);
    bool string(std::string& out);
    bool escape(std::string& out, size_t open);
    bool hex4(size_t at, uint32_t& unit) const;
    bool number(Value& out);
    bool literal(Value& out);

    std::string_view text_;
    size_t pos_ = 0;
    size_t error_offset_ = 0;
    std::string error_message_;
};

bool Parser::document(Value& out) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_space();
    if (at_end()) return fail(pos_, "the input is empty");
    if (!value(out, 0)) return false;
    skip_space();
    if (!at_end()) return fail(pos_, "unexpected text after the value");
    return true;
}

// depth: how many arrays and objects enclose this value.
bool Parser::value(Value& out, int depth) {
    if (at_end()) return end_of_input();
    const char c = peek();
    if (c == '{' || c == '[') {
        if (depth >= kMaxDepth) return fail(pos_, "nesting deeper than " + std::to_string(kMaxDepth));
        return c == '{' ? object(out, depth + 1) : array(out, depth + 1);
    }
    if (c == '"') {
        std::string text;
        if (!string(text)) return false;
        out = Value::string(std::move(text));
        return true;
    }
    if (c == '-' || is_digit(c)) return number(out);
    if (base::is_alpha(c)) return literal(out);
    return fail(pos_, "expected a value");
}

bool Parser::array(Value& out, int depth) {
    ++pos_;  // '['
    out = Value::array();
    Value::Array& items = out.as_array();
    skip_space();
    if (at_end()) return end_of_input();
    if (peek() == ']') {
        ++pos_;
        return true;
    }
    for (;;) {
        items.emplace_back();
        if (!value(items.back(), depth)) return false;
        skip_space();
        if (at_end()) return end_of_input();
        if (peek() == ']') {
            ++pos_;
            return true;
        }
        if (peek() != ',') return fail(pos_, "expected ',' or ']'");
        const size_t comma = pos_++;
        skip_space();
        if (at_end()) return end_of_input();
        if (peek() == ']') return fail(comma, "trailing comma before ']'");
    }
}

bool Parser::object(Value& out, int depth) {
    ++pos_;  // '{'
    out = Value::object();
    Value::Object& members = out.as_object();
    skip_space();
    if (at_end()) return end_of_input();
    if (peek() == '}') {
        ++pos_;
        return true;
    }
    for (;;) {
        if (peek() != '"') return fail(pos_, "expected a string key");
        std::string key;
        if (!string(key)) return false;
        skip_space();
        if (at_end()) return end_of_input();
        if (peek() != ':') return fail(pos_, "expected ':'");
        ++pos_;
        skip_space();
        members.emplace_back(std::move(key), Value());
        if (!value(members.back().second, depth)) return false;
        skip_space();
        if (at_end()) return end_of_input();
        if (peek() == '}') {
            ++pos_;
            return true;
        }
        if (peek() != ',') return fail(pos_, "expected ',' or '}'");
        const size_t comma = pos_++;
        skip_space();
        if (at_end()) return end_of_input();
        if (peek() == '}') return fail(comma, "trailing comma before '}'");
    }
}

bool Parser::string(std::string& out) {
    const size_t open = pos_++;
    for (;;) {
        // Copy the longest run that needs no decoding in one go.
        const size_t run = pos_;
        while (!at_end()) {
            const unsigned char c = byte(pos_);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ++pos_;
                continue;
            }
            if (c < 0x80) break;
            const Utf8Step step = utf8_step(text_, pos_);
            if (!step.valid) break;
            pos_ += step.length;
        }
        out.append(text_.substr(run, pos_ - run));
        if (at_end()) return fail(open, "unterminated string");
        const unsigned char c = byte(pos_);
        if (c == '"') {
            ++pos_;
            return true;
        }
        if (c == '\\') {
            if (!escape(out, open)) return false;
            continue;
        }
        if (c < 0x20) {
            char name[8];
            std::snprintf(name, sizeof name, "U+%04X", c);
            return fail(pos_, std::string("unescaped control character ") + name + " in string");
        }
        return fail(pos_, "invalid UTF-8 in string (byte " + hex_byte(c) + ")");
    }
}

bool Parser::hex4(size_t at, uint32_t& unit) const {
    if (at + 4 > text_.size()) return false;
    unit = 0;
    for (size_t i = at; i < at + 4; ++i) {
        const int digit = base::hex_value(text_[i]);
        if (digit < 0) return false;
        unit = unit * 16 + static_cast<uint32_t>(digit);
    }
    return true;
}

bool Parser::escape(std::string& out, size_t open) {
    const size_t backslash = pos_;
    if (pos_ + 1 >= text_.size()) return fail(open, "unterminated string");
    const char c = text_[pos_ + 1];
    const char* simple = nullptr;
    switch (c) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case '/': simple = "/"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        case 'n': simple = "\n"; break;
        case 'r': simple = "\r"; break;
        case 't': simple = "\t"; break;
        case 'u': break;
        default:
            if (c >= 0x20 && c < 0x7F) return fail(backslash, std::string("invalid escape '\\") + c + "'");
            return fail(backslash, "invalid escape");
    }
    if (simple) {
        out += simple;
        pos_ += 2;
        return true;
    }
    uint32_t unit = 0;
    if (!hex4(pos_ + 2, unit)) return fail(backslash, "expected 4 hex digits after '\\u'");
    pos_ += 6;
    const auto lone = [&] {
        return fail(backslash, "lone surrogate '" + std::string(text_.substr(backslash, 6)) + "'");
    };
    if (unit >= 0xDC00 && unit <= 0xDFFF) return lone();
    if (unit >= 0xD800 && unit <= 0xDBFF) {
        uint32_t low = 0;
        if (text_.substr(pos_, 2) != "\\u" || !hex4(pos_ + 2, low) || low < 0xDC00 || low > 0xDFFF) return lone();
        pos_ += 6;
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, unit);
    return true;
}

bool Parser::number(Value& out) {
    const size_t start = pos_;
    if (peek() == '-') {
        ++pos_;
        if (at_end() || !is_digit(peek())) return fail(pos_, "expected a digit after '-'");
    }
    if (peek() == '0') {
        ++pos_;
        if (!at_end() && is_digit(peek())) return fail(pos_ - 1, "leading zero in number");
    } else {
        while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (!at_end() && peek() == '.') {
        ++pos_;
        if (at_end() || !is_digit(peek())) return fail(pos_, "expected a digit after '.'");
        while (!at_end() && is_digit(peek())) ++pos_;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
        ++pos_;
        if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
        if (at_end() || !is_digit(peek())) return fail(pos_, "expected a digit in the exponent");
        while (!at_end() && is_digit(peek())) ++pos_;
    }
    out = Value::number_text(std::string(text_.substr(start, pos_ - start)));
    return true;
}

bool Parser::literal(Value& out) {
    const size_t start = pos_;
    while (!at_end() && (base::is_alpha(peek()) || is_digit(peek()) || peek() == '_')) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    if (word == "true") {
        out = Value::boolean(true);
    } else if (word == "false") {
        out = Value::boolean(false);
    } else if (word == "null") {
        out = Value();
    } else {
        constexpr size_t kQuoted = 16;
        std::string shown(word.substr(0, kQuoted));
        if (word.size() > kQuoted) shown += "...";
        return fail(start, "invalid literal '" + shown + "'");
    }
    return true;
}

ParseError locate(std::string_view text, size_t offset, std::string message) {
    ParseError error{1, 1, std::move(message)};
    size_t line_start = 0;
    for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++error.line;
            line_start = i + 1;
        }
    }
    for (size_t i = line_start; i < offset; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++error.column;
    }
    if (line_start == 0 && text.substr(0, 3) == "\xEF\xBB\xBF") --error.column;  // editors hide the mark
    return error;
}

}  // namespace

Result<Value> parse(std::string_view text, ParseError& error) noexcept {
    Parser parser(text);
    Value value;
    if (parser.document(value)) return value;
    error = locate(text, parser.error_offset(), std::move(parser.error_message()));
    return Error{"line " + std::to_string(error.line) + ", column " + std::to_string(error.column) + ": " +
                 error.message};
}

Result<Value> parse(std::string_view text) noexcept {
    ParseError ignored;
    return parse(text, ignored);
}

}  // namespace json
