#include "json/value.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace {

using json::Value;

struct IntCase {
    const char* name;
    const char* text;
    std::optional<int64_t> expected;
};

const IntCase kIntCases[] = {
    {"zero", "0", 0},
    {"negative_zero", "-0", 0},
    {"plain", "54321", 54321},
    {"negative", "-17", -17},
    {"int64_max", "9223372036854775807", INT64_MAX},
    {"int64_max_plus_one", "9223372036854775808", std::nullopt},
    {"int64_min", "-9223372036854775808", INT64_MIN},
    {"int64_min_minus_one", "-9223372036854775809", std::nullopt},
    {"twenty_digits", "12345678901234567890", std::nullopt},
    {"zero_fraction", "1.0", 1},
    {"real_fraction", "1.5", std::nullopt},
    {"exponent", "1e3", 1000},
    {"exponent_plus_upper", "1E+2", 100},
    {"negative_exponent_exact", "100e-2", 1},
    {"negative_exponent_fraction", "1e-1", std::nullopt},
    {"fraction_and_exponent", "12.30e1", 123},
    {"zero_fraction_zero", "0.000", 0},
    {"huge_exponent", "1e400", std::nullopt},
    {"huge_exponent_of_zero", "0e99999999999999999999", 0},
    {"max_via_exponent", "92233720368547758.07e2", INT64_MAX},
};

TEST(JsonValueTest, AsIntIsExactIntegerInRange) {
    for (const IntCase& c : kIntCases) {
        SCOPED_TRACE(c.name);
        const Value v = Value::number_text(c.text);
        ASSERT_TRUE(v.is_number());
        EXPECT_EQ(v.as_int(), c.expected);
        EXPECT_EQ(v.number_raw(), c.text);
    }
}

TEST(JsonValueTest, NumberTextRejectsWhatJsonDoesNotAllow) {
    for (const char* text : {"", "-", "01", "+1", "1.", ".5", "1e", "1e+", "NaN", "Infinity", "0x10", " 1", "1 "}) {
        SCOPED_TRACE(text);
        EXPECT_TRUE(Value::number_text(text).is_null());
    }
}

TEST(JsonValueTest, NumberFromInteger) {
    EXPECT_EQ(Value::number(INT64_MIN).number_raw(), "-9223372036854775808");
    EXPECT_EQ(Value::number(INT64_MIN).as_int(), INT64_MIN);
    EXPECT_EQ(Value::number(42), Value::number_text("42"));
    EXPECT_EQ(Value::number(1000), Value::number_text("1e3"));
    EXPECT_EQ(Value::number_text("1.5"), Value::number_text("1.5"));
    EXPECT_FALSE(Value::number_text("1.5") == Value::number_text("1.50"));
}

TEST(JsonValueTest, AccessorsOfOtherTypesAreEmpty) {
    const Value number = Value::number(3);
    EXPECT_EQ(number.as_string(), "");
    EXPECT_TRUE(number.as_array().empty());
    EXPECT_TRUE(number.as_object().empty());
    EXPECT_EQ(number.find("x"), nullptr);
    EXPECT_FALSE(number.as_bool());
    EXPECT_EQ(Value::string("7").as_int(), std::nullopt);
    EXPECT_EQ(Value::string("x").number_raw(), "");
    EXPECT_TRUE(Value::boolean(true).as_bool());
    EXPECT_EQ(Value().type(), Value::Type::null);
}

TEST(JsonValueTest, MutableAccessorsTakeTheirType) {
    Value v = Value::string("x");
    v.as_array().push_back(Value::number(1));
    ASSERT_TRUE(v.is_array());
    EXPECT_EQ(v.as_array().size(), 1u);
    Value n;
    n.set("a", Value::number(1));
    ASSERT_TRUE(n.is_object());
    EXPECT_EQ(n.find("a")->as_int(), 1);
}

TEST(JsonValueTest, SetReplacesInPlaceAndKeepsOrder) {
    Value v = Value::object({{"b", Value::number(1)}, {"a", Value::number(2)}});
    v.set("b", Value::string("x"));
    v.set("c", Value::boolean(false));
    const Value::Object& members = v.as_object();
    ASSERT_EQ(members.size(), 3u);
    EXPECT_EQ(members[0].first, "b");
    EXPECT_EQ(members[0].second.as_string(), "x");
    EXPECT_EQ(members[1].first, "a");
    EXPECT_EQ(members[2].first, "c");
}

TEST(JsonValueTest, DuplicateKeysLastWins) {
    Value v = Value::object({{"a", Value::number(1)}, {"a", Value::number(2)}});
    EXPECT_EQ(v.find("a")->as_int(), 2);
    v.set("a", Value::number(3));
    EXPECT_EQ(v.as_object()[0].second.as_int(), 1);
    EXPECT_EQ(v.as_object()[1].second.as_int(), 3);
}

TEST(JsonValueTest, EqualityIsStructuralAndOrdered) {
    const Value a = Value::object({{"x", Value::number(1)}, {"y", Value::array({Value(), Value::boolean(true)})}});
    Value b = a;
    EXPECT_EQ(a, b);
    b.set("x", Value::number(2));
    EXPECT_FALSE(a == b);
    const Value swapped = Value::object({{"y", a.find("y") ? *a.find("y") : Value()}, {"x", Value::number(1)}});
    EXPECT_FALSE(a == swapped);
    EXPECT_FALSE(Value() == Value::boolean(false));
    EXPECT_FALSE(Value::string("1") == Value::number(1));
}

}  // namespace
