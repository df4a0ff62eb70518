#include "json/reader.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "json/writer.h"

namespace {

using json::Value;

struct BadCase {
    const char* name;
    std::string text;
    size_t line;
    size_t column;
    const char* message;
};

std::string nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

const BadCase kBadCases[] = {
    {"empty_input", "", 1, 1, "the input is empty"},
    {"whitespace_only", " \n\t ", 2, 3, "the input is empty"},
    {"unterminated_string", "{\"a\": \"abc", 1, 7, "unterminated string"},
    {"unterminated_after_backslash", "\"ab\\", 1, 1, "unterminated string"},
    {"unterminated_key", "{\"ab", 1, 2, "unterminated string"},
    {"truncated_object", "{\"a\": 1", 1, 8, "unexpected end of input"},
    {"truncated_after_colon", "{\"a\":", 1, 6, "unexpected end of input"},
    {"truncated_array", "[", 1, 2, "unexpected end of input"},
    {"truncated_after_comma", "[1,", 1, 4, "unexpected end of input"},
    {"trailing_comma_array", "[1, 2,]", 1, 6, "trailing comma before ']'"},
    {"trailing_comma_object", "{\n  \"a\": 1,\n}", 2, 9, "trailing comma before '}'"},
    {"missing_comma_object", "{\n  \"servers\": [\n    {\n      \"port\": 1 \"url\": \"x\"\n    }\n  ]\n}", 4, 17,
     "expected ',' or '}'"},
    {"missing_comma_array", "[1 2]", 1, 4, "expected ',' or ']'"},
    {"missing_colon", "{\"a\" 1}", 1, 6, "expected ':'"},
    {"unquoted_key", "{a: 1}", 1, 2, "expected a string key"},
    {"single_quoted_key", "{'a': 1}", 1, 2, "expected a string key"},
    {"comma_instead_of_key", "{,}", 1, 2, "expected a string key"},
    {"missing_value_in_object", "{\"a\": }", 1, 7, "expected a value"},
    {"missing_value_in_array", "[,1]", 1, 2, "expected a value"},
    {"single_quoted_string", "['a']", 1, 2, "expected a value"},
    {"comment", "// servers\n{}", 1, 1, "expected a value"},
    {"bad_escape", "\"a\\qb\"", 1, 3, "invalid escape '\\q'"},
    {"bad_escape_non_ascii", "\"\\\xC3\xA9\"", 1, 2, "invalid escape"},
    {"short_unicode_escape", "\"\\u12\"", 1, 2, "expected 4 hex digits after '\\u'"},
    {"bad_hex_in_unicode_escape", "\"\\u12G4\"", 1, 2, "expected 4 hex digits after '\\u'"},
    {"lone_high_surrogate", "\"\\uD800\"", 1, 2, "lone surrogate '\\uD800'"},
    {"high_surrogate_then_letter", "\"\\ud83d\\u0041\"", 1, 2, "lone surrogate '\\ud83d'"},
    {"high_surrogate_then_high", "\"\\uD83D\\uD83D\"", 1, 2, "lone surrogate '\\uD83D'"},
    {"lone_low_surrogate", "\"x\\uDE00\"", 1, 3, "lone surrogate '\\uDE00'"},
    {"utf8_lone_continuation", "\"\x80\"", 1, 2, "invalid UTF-8 in string (byte 0x80)"},
    {"utf8_overlong", "\"\xC0\xAF\"", 1, 2, "invalid UTF-8 in string (byte 0xC0)"},
    {"utf8_overlong_three_bytes", "\"\xE0\x80\xAF\"", 1, 2, "invalid UTF-8 in string (byte 0xE0)"},
    {"utf8_encoded_surrogate", "\"\xED\xA0\x80\"", 1, 2, "invalid UTF-8 in string (byte 0xED)"},
    {"utf8_above_max", "\"\xF4\x90\x80\x80\"", 1, 2, "invalid UTF-8 in string (byte 0xF4)"},
    {"utf8_truncated", "\"ab\xE2\x82\"", 1, 4, "invalid UTF-8 in string (byte 0xE2)"},
    {"utf8_byte_ff", "\"\xFF\"", 1, 2, "invalid UTF-8 in string (byte 0xFF)"},
    {"control_char_tab", "\"a\tb\"", 1, 3, "unescaped control character U+0009 in string"},
    {"control_char_newline", "[\"a\nb\"]", 1, 4, "unescaped control character U+000A in string"},
    {"control_char_nul", std::string("\"\0\"", 3), 1, 2, "unescaped control character U+0000 in string"},
    {"leading_zero", "01", 1, 1, "leading zero in number"},
    {"leading_zero_negative", "-01", 1, 2, "leading zero in number"},
    {"leading_zeros_in_array", "[00]", 1, 2, "leading zero in number"},
    {"minus_alone", "-", 1, 2, "expected a digit after '-'"},
    {"minus_infinity", "-Infinity", 1, 2, "expected a digit after '-'"},
    {"plus_sign", "+1", 1, 1, "expected a value"},
    {"fraction_without_integer", ".5", 1, 1, "expected a value"},
    {"dot_without_digits", "1.", 1, 3, "expected a digit after '.'"},
    {"dot_then_exponent", "1.e5", 1, 3, "expected a digit after '.'"},
    {"exponent_without_digits", "1e", 1, 3, "expected a digit in the exponent"},
    {"exponent_sign_without_digits", "[1E+]", 1, 5, "expected a digit in the exponent"},
    {"nan", "NaN", 1, 1, "invalid literal 'NaN'"},
    {"infinity_in_array", "[Infinity]", 1, 2, "invalid literal 'Infinity'"},
    {"truncated_literal", "tru", 1, 1, "invalid literal 'tru'"},
    {"capitalised_literal", "True", 1, 1, "invalid literal 'True'"},
    {"literal_with_suffix", "nullx", 1, 1, "invalid literal 'nullx'"},
    {"long_bare_word", "abcdefghijklmnopqrstuvwxyz", 1, 1, "invalid literal 'abcdefghijklmnop...'"},
    {"depth_65", nested(65), 1, 65, "nesting deeper than 64"},
    {"depth_65_objects", std::string(63, '[') + "{\"a\": {}}" + std::string(63, ']'), 1, 70,
     "nesting deeper than 64"},
    {"trailing_garbage", "{} x", 1, 4, "unexpected text after the value"},
    {"two_values", "1 2", 1, 3, "unexpected text after the value"},
    {"extra_brace", "{\"servers\": []}}", 1, 16, "unexpected text after the value"},
    {"trailing_comment", "{}\n// done\n", 2, 1, "unexpected text after the value"},
    {"nul_after_value", std::string("{}\0", 3), 1, 3, "unexpected text after the value"},
    {"column_counts_characters", "[\"\xC3\xA9\", ?]", 1, 7, "expected a value"},
    {"crlf_lines", "{\r\n  \"a\": 1\r\n  \"b\": 2\r\n}", 3, 3, "expected ',' or '}'"},
    {"byte_order_mark_not_counted", "\xEF\xBB\xBF[?]", 1, 2, "expected a value"},
};

TEST(JsonReaderTest, RejectsEachBrokenRuleWithPositionAndMessage) {
    for (const BadCase& c : kBadCases) {
        SCOPED_TRACE(c.name);
        json::ParseError error;
        const Result<Value> result = json::parse(c.text, error);
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(error.line, c.line);
        EXPECT_EQ(error.column, c.column);
        EXPECT_EQ(error.message, c.message);
        EXPECT_EQ(result.error().message, "line " + std::to_string(c.line) + ", column " + std::to_string(c.column) +
                                              ": " + c.message);
    }
}

// The seed's examples (seeds/000), byte for byte, plus the spec's entry.
const char kSeedEmpty[] = "{\n  \"servers\": []\n}";
const char kSeedThree[] = R"({
  "servers": [
    {
      "port": 3100,
      "url": "ws://localhost:3100",
      "pid": 12345,
      "startedAt": "2026-01-03T17:30:00.000Z"
    },
    {
      "port": 3101,
      "url": "ws://localhost:3101",
      "pid": 12346,
      "startedAt": "2026-01-03T17:30:01.000Z"
    },
    {
      "port": 3102,
      "url": "ws://localhost:3102",
      "pid": 12347,
      "startedAt": "2026-01-03T17:30:02.000Z"
    }
  ]
})";
const char kSpecEntry[] = R"({"servers": [{"id": "server-1735946123456-abc123", "port": 54321,
  "url": "ws://localhost:54321", "pid": 12345,
  "startedAt": "2026-01-03T17:42:03.456Z"}]})";

const std::string kValidDocs[] = {
    kSeedEmpty,
    kSeedThree,
    kSpecEntry,
    "null",
    "true",
    "false",
    "0",
    "-0",
    "123",
    "-1.5e+10",
    "1E-2",
    "12345678901234567890123.000e-7",
    "\"\"",
    "\"plain\"",
    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\"",
    "\"\\u0000 nul\"",
    "\"\xC3\xA9 \xF0\x9F\x98\x80 \x7F\"",
    "[]",
    "{}",
    " \t\r\n[ 1 , [ ] , { } , \"x\" , null ] \n",
    "{\"a\":{\"b\":{\"c\":[1,2,{\"d\":null}]}},\"e\":true}",
    "{\"a\": 1, \"a\": 2}",
    "{\"servers\": [{\"port\": 1, \"extra\": {\"nested\": [1.50, \"x\"]}}], \"version\": 3}",
    "\xEF\xBB\xBF{\"bom\": true}",
    nested(64),
};

TEST(JsonReaderTest, AcceptsValidDocuments) {
    for (const std::string& text : kValidDocs) {
        SCOPED_TRACE(text);
        const Result<Value> result = json::parse(text);
        EXPECT_TRUE(result.ok()) << result.error().message;
    }
}

TEST(JsonReaderTest, DecodesStrings) {
    const Result<Value> escapes = json::parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\"");
    ASSERT_TRUE(escapes.ok());
    EXPECT_EQ(escapes.value().as_string(), "\"\\/\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    const Result<Value> nul = json::parse("\"a\\u0000b\"");
    ASSERT_TRUE(nul.ok());
    EXPECT_EQ(nul.value().as_string(), std::string("a\0b", 3));
    const Result<Value> raw = json::parse("\"\xC3\xA9\xF0\x9F\x98\x80\x7F\"");
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw.value().as_string(), "\xC3\xA9\xF0\x9F\x98\x80\x7F");
}

TEST(JsonReaderTest, BuildsOrderedObjectsAndKeepsNumberText) {
    const Result<Value> result = json::parse(kSpecEntry);
    ASSERT_TRUE(result.ok());
    const Value* servers = result.value().find("servers");
    ASSERT_NE(servers, nullptr);
    ASSERT_EQ(servers->as_array().size(), 1u);
    const Value& entry = servers->as_array()[0];
    const char* keys[] = {"id", "port", "url", "pid", "startedAt"};
    ASSERT_EQ(entry.as_object().size(), 5u);
    for (size_t i = 0; i < 5; ++i) EXPECT_EQ(entry.as_object()[i].first, keys[i]);
    EXPECT_EQ(entry.find("port")->as_int(), 54321);
    EXPECT_EQ(entry.find("id")->as_string(), "server-1735946123456-abc123");

    const Result<Value> big = json::parse("[12345678901234567890123, 1.50]");
    ASSERT_TRUE(big.ok());
    EXPECT_EQ(big.value().as_array()[0].as_int(), std::nullopt);
    EXPECT_EQ(big.value().as_array()[0].number_raw(), "12345678901234567890123");
    EXPECT_EQ(json::to_string(big.value(), 0), "[12345678901234567890123,1.50]");
}

TEST(JsonReaderTest, EveryValidDocumentSurvivesTheWriter) {
    for (const std::string& text : kValidDocs) {
        SCOPED_TRACE(text);
        const Result<Value> first = json::parse(text);
        ASSERT_TRUE(first.ok());
        for (int indent : {0, 2, 4}) {
            const std::string written = json::to_string(first.value(), indent);
            const Result<Value> again = json::parse(written);
            ASSERT_TRUE(again.ok()) << again.error().message;
            EXPECT_EQ(again.value(), first.value());
            EXPECT_EQ(json::to_string(again.value(), indent), written);
        }
    }
}

TEST(JsonReaderTest, SeedLayoutRoundTripsByteForByte) {
    for (const char* text : {kSeedEmpty, kSeedThree}) {
        const Result<Value> result = json::parse(text);
        ASSERT_TRUE(result.ok());
        EXPECT_EQ(json::to_string(result.value()), std::string(text) + "\n");
    }
}

// Every truncation of a container document is an error, never a shorter value.
TEST(JsonReaderTest, EveryProperPrefixOfAContainerIsRejected) {
    for (const std::string& text : kValidDocs) {
        const size_t first = text.find_first_not_of(" \t\r\n");
        if (first == std::string::npos || (text[first] != '{' && text[first] != '[')) continue;
        for (size_t length = 0; length < text.find_last_not_of(" \t\r\n") + 1; ++length) {
            SCOPED_TRACE(text.substr(0, length));
            EXPECT_FALSE(json::parse(std::string_view(text).substr(0, length)).ok());
        }
    }
}

TEST(JsonReaderTest, DepthLimitIsExactly64) {
    EXPECT_TRUE(json::parse(nested(64)).ok());
    EXPECT_FALSE(json::parse(nested(65)).ok());
    // Far deeper input is refused at the limit, not by exhausting the stack.
    const Result<Value> deep = json::parse(std::string(1'000'000, '['));
    ASSERT_FALSE(deep.ok());
    EXPECT_EQ(deep.error().message, "line 1, column 65: nesting deeper than 64");
}

TEST(JsonReaderTest, DuplicateKeysAreKeptAndLastWins) {
    const Result<Value> result = json::parse("{\"a\": 1, \"a\": 2}");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.value().as_object().size(), 2u);
    EXPECT_EQ(result.value().find("a")->as_int(), 2);
}

TEST(JsonReaderTest, LargeDocumentParses) {
    std::string text = "{\"servers\": [";
    for (int i = 0; i < 20000; ++i) {
        if (i > 0) text += ", ";
        text += "{\"id\": \"server-" + std::to_string(i) + "\", \"port\": " + std::to_string(i % 65535 + 1) +
                ", \"name\": \"caf\xC3\xA9 \\u00e9\\n\"}";
    }
    text += "]}";
    const Result<Value> result = json::parse(text);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.value().find("servers")->as_array().size(), 20000u);
}

}  // namespace
