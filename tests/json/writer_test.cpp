#include "json/writer.h"

#include <gtest/gtest.h>

#include <string>

#include "json/reader.h"

namespace {

using json::Value;

std::string escaped(std::string_view text) {
    std::string out;
    json::append_escaped(out, text);
    return out;
}

TEST(JsonWriterTest, EscapesAll32ControlCharacters) {
    const char* const kExpected[32] = {
        "\"\\u0000\"", "\"\\u0001\"", "\"\\u0002\"", "\"\\u0003\"", "\"\\u0004\"", "\"\\u0005\"", "\"\\u0006\"",
        "\"\\u0007\"", "\"\\b\"",     "\"\\t\"",     "\"\\n\"",     "\"\\u000b\"", "\"\\f\"",     "\"\\r\"",
        "\"\\u000e\"", "\"\\u000f\"", "\"\\u0010\"", "\"\\u0011\"", "\"\\u0012\"", "\"\\u0013\"", "\"\\u0014\"",
        "\"\\u0015\"", "\"\\u0016\"", "\"\\u0017\"", "\"\\u0018\"", "\"\\u0019\"", "\"\\u001a\"", "\"\\u001b\"",
        "\"\\u001c\"", "\"\\u001d\"", "\"\\u001e\"", "\"\\u001f\"",
    };
    for (int c = 0; c < 32; ++c) {
        SCOPED_TRACE(c);
        const std::string one(1, static_cast<char>(c));
        EXPECT_EQ(escaped(one), kExpected[c]);
        const Result<Value> back = json::parse(escaped(one));
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(back.value().as_string(), one);
    }
}

struct EscapeCase {
    const char* name;
    std::string input;
    const char* expected;
};

const EscapeCase kEscapeCases[] = {
    {"empty", "", "\"\""},
    {"plain", "ws://localhost:3100", "\"ws://localhost:3100\""},
    {"quote", "a\"b", "\"a\\\"b\""},
    {"backslash", "a\\b", "\"a\\\\b\""},
    {"slash_not_escaped", "</script>", "\"</script>\""},
    {"del_passes_through", "a\x7F" "b", "\"a\x7F" "b\""},
    {"e_acute_passes_through", "caf\xC3\xA9", "\"caf\xC3\xA9\""},
    {"emoji_passes_through", "\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\""},
    {"max_code_point_passes_through", "\xF4\x8F\xBF\xBF", "\"\xF4\x8F\xBF\xBF\""},
    {"lone_continuation", "\x80", "\"\\ufffd\""},
    {"overlong_slash", "\xC0\xAF", "\"\\ufffd\\ufffd\""},
    {"truncated_euro", "\xE2\x82", "\"\\ufffd\""},
    {"truncated_euro_inside", "a\xE2\x82" "b", "\"a\\ufffdb\""},
    {"encoded_surrogate", "\xED\xA0\x80", "\"\\ufffd\\ufffd\\ufffd\""},
    {"above_max_code_point", "\xF4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
    {"byte_ff", "\xFF", "\"\\ufffd\""},
    {"nul_inside", std::string("a\0b", 3), "\"a\\u0000b\""},
};

TEST(JsonWriterTest, EscapesQuotesBackslashesAndBadUtf8) {
    for (const EscapeCase& c : kEscapeCases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(escaped(c.input), c.expected);
    }
}

// Whatever bytes go in, what comes out is valid JSON that reads back as the
// same string when the input was valid UTF-8.
TEST(JsonWriterTest, EveryTwoByteStringWritesValidJson) {
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            const std::string input{static_cast<char>(a), static_cast<char>(b)};
            const std::string out = escaped(input);
            const Result<Value> back = json::parse(out);
            ASSERT_TRUE(back.ok()) << a << " " << b << ": " << back.error().message;
            if (out.find("\\ufffd") == std::string::npos) {
                ASSERT_EQ(back.value().as_string(), input);
            }
        }
    }
}

TEST(JsonWriterTest, EmptyRegistryInSeedFormat) {
    const Value registry = Value::object({{"servers", Value::array()}});
    EXPECT_EQ(json::to_string(registry), "{\n  \"servers\": []\n}\n");
    EXPECT_EQ(json::to_string(registry, 2), "{\n  \"servers\": []\n}\n");
    EXPECT_EQ(json::to_string(registry, 0), "{\"servers\":[]}");
}

TEST(JsonWriterTest, RegistryEntryInSeedFormat) {
    const Value entry = Value::object({
        {"id", Value::string("server-1735946123456-abc123")},
        {"port", Value::number(54321)},
        {"url", Value::string("ws://localhost:54321")},
        {"pid", Value::number(12345)},
        {"startedAt", Value::string("2026-01-03T17:42:03.456Z")},
    });
    const Value registry = Value::object({{"servers", Value::array({entry})}});
    EXPECT_EQ(json::to_string(registry),
              "{\n"
              "  \"servers\": [\n"
              "    {\n"
              "      \"id\": \"server-1735946123456-abc123\",\n"
              "      \"port\": 54321,\n"
              "      \"url\": \"ws://localhost:54321\",\n"
              "      \"pid\": 12345,\n"
              "      \"startedAt\": \"2026-01-03T17:42:03.456Z\"\n"
              "    }\n"
              "  ]\n"
              "}\n");
    EXPECT_EQ(json::to_string(Value::array({entry}), 0),
              "[{\"id\":\"server-1735946123456-abc123\",\"port\":54321,\"url\":\"ws://localhost:54321\","
              "\"pid\":12345,\"startedAt\":\"2026-01-03T17:42:03.456Z\"}]");
}

TEST(JsonWriterTest, ScalarsAndEmptyContainers) {
    EXPECT_EQ(json::to_string(Value(), 0), "null");
    EXPECT_EQ(json::to_string(Value::boolean(true), 0), "true");
    EXPECT_EQ(json::to_string(Value::boolean(false), 0), "false");
    EXPECT_EQ(json::to_string(Value::number(-42), 0), "-42");
    EXPECT_EQ(json::to_string(Value::number_text("1.50E+3"), 0), "1.50E+3");
    EXPECT_EQ(json::to_string(Value::number_text("not a number"), 0), "null");
    EXPECT_EQ(json::to_string(Value::array(), 0), "[]");
    EXPECT_EQ(json::to_string(Value::object(), 0), "{}");
    EXPECT_EQ(json::to_string(Value::array(), 2), "[]\n");
    EXPECT_EQ(json::to_string(Value::string("x"), 2), "\"x\"\n");
}

TEST(JsonWriterTest, NestedLayoutWithOtherIndent) {
    const Value value = Value::object({
        {"a", Value::array({Value::number(1), Value::object()})},
        {"b", Value::object({{"c", Value()}})},
    });
    EXPECT_EQ(json::to_string(value, 4),
              "{\n"
              "    \"a\": [\n"
              "        1,\n"
              "        {}\n"
              "    ],\n"
              "    \"b\": {\n"
              "        \"c\": null\n"
              "    }\n"
              "}\n");
    EXPECT_EQ(json::to_string(value, 0), "{\"a\":[1,{}],\"b\":{\"c\":null}}");
}

TEST(JsonWriterTest, KeysAreEscapedToo) {
    const Value value = Value::object({{"a\"\n\x80", Value::number(1)}});
    EXPECT_EQ(json::to_string(value, 0), "{\"a\\\"\\n\\ufffd\":1}");
}

}  // namespace
