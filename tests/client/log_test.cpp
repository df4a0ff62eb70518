#include "client/log.h"

#include <gtest/gtest.h>

namespace {

using client::Log;
using client::LogEntry;
using client::LogKind;

TEST(ClientLog, KeepsTheNewestEntries) {
    Log log(3);
    for (int i = 1; i <= 5; ++i) {
        const LogEntry& stored = log.add({double(i), LogKind::info, "line " + std::to_string(i), ""});
        EXPECT_EQ(stored.text, "line " + std::to_string(i));
    }
    ASSERT_EQ(log.entries().size(), 3u);
    EXPECT_EQ(log.entries().front().text, "line 3");
    EXPECT_EQ(log.entries().back().text, "line 5");
    EXPECT_EQ(log.capacity(), 3u);
}

TEST(ClientLog, ZeroCapacityKeepsOne) {
    Log log(0);
    log.add({1, LogKind::info, "a", ""});
    log.add({2, LogKind::info, "b", ""});
    ASSERT_EQ(log.entries().size(), 1u);
    EXPECT_EQ(log.entries().front().text, "b");
}

TEST(ClientLog, KindNames) {
    EXPECT_EQ(client::log_kind_name(LogKind::info), "info");
    EXPECT_EQ(client::log_kind_name(LogKind::sent), "sent");
    EXPECT_EQ(client::log_kind_name(LogKind::echo), "echo");
    EXPECT_EQ(client::log_kind_name(LogKind::error), "error");
}

TEST(ClientLog, SpecTexts) {
    EXPECT_EQ(client::sent_text("Hello from browser!"), "Sent: Hello from browser!");
    EXPECT_EQ(client::echo_text("server-1735946123456-abc123", "Hello from browser!"),
              "[server-1735946123456-abc123] Echo: Hello from browser!");
    EXPECT_EQ(client::sent_text(""), "Sent: ");
}

struct ShortenCase {
    const char* name;
    std::string_view message;
    size_t max_bytes;
    const char* expected;
};

const ShortenCase kShortenCases[] = {
    {"fits", "hello", 5, "hello"},
    {"empty", "", 0, ""},
    {"cut_ascii", "hello world", 5, "hello\xE2\x80\xA6 (6 more bytes)"},
    // "é" is 2 bytes: cutting after its first byte backs up to before it.
    {"never_splits_two_bytes", "ab\xC3\xA9z", 3, "ab\xE2\x80\xA6 (3 more bytes)"},
    // "€" is 3 bytes.
    {"never_splits_three_bytes", "\xE2\x82\xAC\xE2\x82\xAC", 4, "\xE2\x82\xAC\xE2\x80\xA6 (3 more bytes)"},
    {"cut_at_character_boundary", "\xE2\x82\xAC\xE2\x82\xAC", 3, "\xE2\x82\xAC\xE2\x80\xA6 (3 more bytes)"},
    {"zero_budget", "abc", 0, "\xE2\x80\xA6 (3 more bytes)"},
};

class ClientShortenTest : public testing::TestWithParam<ShortenCase> {};

TEST_P(ClientShortenTest, Shorten) {
    const ShortenCase& c = GetParam();
    EXPECT_EQ(client::shorten(c.message, c.max_bytes), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientShortenTest, testing::ValuesIn(kShortenCases),
                         [](const testing::TestParamInfo<ShortenCase>& param_info) {
                             return param_info.param.name;
                         });

TEST(ClientLog, PreviewOfALongLine) {
    EXPECT_EQ(client::log_preview("short", 10), "");
    EXPECT_EQ(client::log_preview("exactly 10", 10), "");
    EXPECT_EQ(client::log_preview(std::string(20, 'x'), 10), std::string(10, 'x'));
    // At a word end when one is in the last fifth, else at the limit.
    EXPECT_EQ(client::log_preview("aaaaaaaa bbbbbbbbbb", 10), "aaaaaaaa");
    EXPECT_EQ(client::log_preview("aa bbbbbbbbbbbbbbbb", 10), "aa bbbbbbb");
    // Never inside a character: "é" is two bytes.
    EXPECT_EQ(client::log_preview("xxxxxxxxx\xC3\xA9yyyy", 10), "xxxxxxxxx");
}

}  // namespace
