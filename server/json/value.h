// A small ordered JSON DOM. Objects keep their members in the order they
// were read and numbers keep the text they were written with, so a file that
// another version wrote comes back out with its unknown fields unchanged.
// Only integers are interpreted (as_int): the registry holds ports and pids,
// never fractions, and doubles would not round-trip exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace json {

class Value {
public:
    enum class Type { null, boolean, number, string, array, object };
    using Array = std::vector<Value>;
    using Object = std::vector<std::pair<std::string, Value>>;  // keeps member order, as read

    Value() = default;  // null
    static Value boolean(bool value);
    static Value number(int64_t value);
    // A number kept exactly as written (RFC 8259 grammar). Text that is not
    // a valid JSON number gives null, so the writer never emits invalid JSON.
    static Value number_text(std::string raw);
    static Value string(std::string text);
    static Value array(Array items = {});
    static Value object(Object members = {});

    Type type() const { return type_; }
    bool is_null() const { return type_ == Type::null; }
    bool is_boolean() const { return type_ == Type::boolean; }
    bool is_number() const { return type_ == Type::number; }
    bool is_string() const { return type_ == Type::string; }
    bool is_array() const { return type_ == Type::array; }
    bool is_object() const { return type_ == Type::object; }

    bool as_bool() const { return type_ == Type::boolean && boolean_; }  // false if not a boolean
    const std::string& as_string() const;  // "" if not a string
    // A number that is an exact integer in int64 range ("12", "-0", "1.0",
    // "1e3"), else nullopt. Not a number: nullopt.
    std::optional<int64_t> as_int() const { return type_ == Type::number ? integer_ : std::nullopt; }
    const std::string& number_raw() const;  // the number's text, "" if not a number

    // The const accessors give an empty container for other types. The
    // mutable ones, like set(), first turn a value of another type into an
    // empty container of theirs: check the type before if that matters.
    const Array& as_array() const;
    Array& as_array();
    const Object& as_object() const;
    Object& as_object();

    // Object member or nullptr. With duplicate keys the last one wins, as in
    // JavaScript's JSON.parse, which the prototype used.
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    void set(std::string key, Value value);  // replace (the last duplicate) in place or append

    // Structural equality; member order counts. Numbers are equal when both
    // are the same integer or their texts are identical.
    friend bool operator==(const Value& a, const Value& b);

private:
    Type type_ = Type::null;
    bool boolean_ = false;
    std::optional<int64_t> integer_;  // numbers only
    std::string text_;                // string contents, or a number's text
    Array array_;
    Object object_;
};

}  // namespace json
