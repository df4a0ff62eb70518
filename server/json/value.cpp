#include "json/value.h"

#include <algorithm>

#include "base/ascii.h"

namespace json {
namespace {

using base::is_digit;

// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool is_json_number(std::string_view text) {
    size_t i = 0;
    if (i < text.size() && text[i] == '-') ++i;
    if (i >= text.size() || !is_digit(text[i])) return false;
    if (text[i] == '0') {
        ++i;
    } else {
        while (i < text.size() && is_digit(text[i])) ++i;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        if (i >= text.size() || !is_digit(text[i])) return false;
        while (i < text.size() && is_digit(text[i])) ++i;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        if (i >= text.size() || !is_digit(text[i])) return false;
        while (i < text.size() && is_digit(text[i])) ++i;
    }
    return i == text.size();
}

// The value of a valid JSON number text if it is an exact integer that fits
// in int64: the significant digits D and a power of ten, D * 10^scale.
std::optional<int64_t> exact_integer(std::string_view text) {
    const bool negative = text[0] == '-';
    std::string digits;
    int64_t scale = 0;
    size_t i = negative ? 1 : 0;
    for (; i < text.size() && is_digit(text[i]); ++i) digits += text[i];
    if (i < text.size() && text[i] == '.') {
        for (++i; i < text.size() && is_digit(text[i]); ++i) {
            digits += text[i];
            --scale;
        }
    }
    if (i < text.size()) {  // exponent; clamped, far beyond what can still fit
        const bool exponent_negative = text[++i] == '-';
        if (text[i] == '-' || text[i] == '+') ++i;
        int64_t exponent = 0;
        for (; i < text.size(); ++i) exponent = std::min<int64_t>(exponent * 10 + (text[i] - '0'), 1'000'000'000);
        scale += exponent_negative ? -exponent : exponent;
    }
    const size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return 0;  // zero, "-0" included
    digits.erase(0, first);
    while (digits.back() == '0') {
        digits.pop_back();
        ++scale;
    }
    if (scale < 0) return std::nullopt;  // a fraction is left
    if (static_cast<int64_t>(digits.size()) + scale > 19) return std::nullopt;
    const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    uint64_t magnitude = 0;
    for (char c : digits) {
        const auto digit = static_cast<uint64_t>(c - '0');
        if (magnitude > (limit - digit) / 10) return std::nullopt;
        magnitude = magnitude * 10 + digit;
    }
    for (int64_t k = 0; k < scale; ++k) {
        if (magnitude > limit / 10) return std::nullopt;
        magnitude *= 10;
    }
    if (negative) return magnitude == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(magnitude);
    return static_cast<int64_t>(magnitude);
}

}  // namespace

Value Value::boolean(bool value) {
    Value v;
    v.type_ = Type::boolean;
    v.boolean_ = value;
    return v;
}

Value Value::number(int64_t value) {
    Value v;
    v.type_ = Type::number;
    v.integer_ = value;
    v.text_ = std::to_string(value);
    return v;
}

Value Value::number_text(std::string raw) {
    Value v;
    if (!is_json_number(raw)) return v;
    v.type_ = Type::number;
    v.integer_ = exact_integer(raw);
    v.text_ = std::move(raw);
    return v;
}

Value Value::string(std::string text) {
    Value v;
    v.type_ = Type::string;
    v.text_ = std::move(text);
    return v;
}

Value Value::array(Array items) {
    Value v;
    v.type_ = Type::array;
    v.array_ = std::move(items);
    return v;
}

Value Value::object(Object members) {
    Value v;
    v.type_ = Type::object;
    v.object_ = std::move(members);
    return v;
}

const std::string& Value::as_string() const {
    static const std::string empty;
    return type_ == Type::string ? text_ : empty;
}

const std::string& Value::number_raw() const {
    static const std::string empty;
    return type_ == Type::number ? text_ : empty;
}

const Value::Array& Value::as_array() const {
    static const Array empty;
    return type_ == Type::array ? array_ : empty;
}

Value::Array& Value::as_array() {
    if (type_ != Type::array) *this = array();
    return array_;
}

const Value::Object& Value::as_object() const {
    static const Object empty;
    return type_ == Type::object ? object_ : empty;
}

Value::Object& Value::as_object() {
    if (type_ != Type::object) *this = object();
    return object_;
}

const Value* Value::find(std::string_view key) const {
    if (type_ != Type::object) return nullptr;
    for (auto it = object_.rbegin(); it != object_.rend(); ++it) {
        if (it->first == key) return &it->second;
    }
    return nullptr;
}

Value* Value::find(std::string_view key) {
    return const_cast<Value*>(static_cast<const Value&>(*this).find(key));
}

void Value::set(std::string key, Value value) {
    Object& members = as_object();
    for (auto it = members.rbegin(); it != members.rend(); ++it) {
        if (it->first == key) {
            it->second = std::move(value);
            return;
        }
    }
    members.emplace_back(std::move(key), std::move(value));
}

bool operator==(const Value& a, const Value& b) {
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
        case Value::Type::null: return true;
        case Value::Type::boolean: return a.boolean_ == b.boolean_;
        case Value::Type::number: return (a.integer_ && a.integer_ == b.integer_) || a.text_ == b.text_;
        case Value::Type::string: return a.text_ == b.text_;
        case Value::Type::array: return a.array_ == b.array_;
        case Value::Type::object: return a.object_ == b.object_;
    }
    return false;
}

}  // namespace json
