// base::RateLimit, which keeps client-caused log lines to a few a second.
#include "base/log.h"

#include <gtest/gtest.h>

namespace {

TEST(RateLimit, ShowsUpToTheLimitEachSecondAndCountsTheRest) {
    base::RateLimit limit(3);
    uint64_t left_out = 99;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limit.allow(10, &left_out)) << i;
        EXPECT_EQ(left_out, 0u);
    }
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(limit.allow(10, &left_out)) << i;
    // The next second: the first line shown carries the count of the five.
    EXPECT_TRUE(limit.allow(11, &left_out));
    EXPECT_EQ(left_out, 5u);
    EXPECT_TRUE(limit.allow(11, &left_out));
    EXPECT_EQ(left_out, 0u);
}

TEST(RateLimit, CountsAcrossQuietSeconds) {
    base::RateLimit limit(1);
    uint64_t left_out = 0;
    EXPECT_TRUE(limit.allow(0, &left_out));
    EXPECT_FALSE(limit.allow(0, &left_out));
    EXPECT_FALSE(limit.allow(0, &left_out));
    EXPECT_TRUE(limit.allow(7, &left_out));  // much later
    EXPECT_EQ(left_out, 2u);
}

TEST(RateLimit, ZeroShowsNothing) {
    base::RateLimit limit(0);
    uint64_t left_out = 0;
    EXPECT_FALSE(limit.allow(0, &left_out));
    EXPECT_FALSE(limit.allow(1, &left_out));
}

}  // namespace

// Issue 10, finding 14: client-caused lines escape everything that is not
// printable ASCII, so a header cannot recolour the terminal or reorder text.
namespace {

TEST(EscapeForLog, EscapesControlAndNonAsciiCharacters) {
    EXPECT_EQ(base::escape_for_log("evil\u202ecom\u009b[31m"), "evil\\u202ecom\\u009b[31m");
    EXPECT_EQ(base::escape_for_log("a\x1b[2Jb\r\n\t\x7f"), "a\\u001b[2Jb\\u000d\\u000a\\u0009\\u007f");
    EXPECT_EQ(base::escape_for_log("back\\slash"), "back\\\\slash");
    EXPECT_EQ(base::escape_for_log("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\\u00e9 \\U0001f600");
    EXPECT_EQ(base::escape_for_log("bad \xff\xc3 \xed\xa0\x80 \xc0\xaf"), "bad \\xff\\xc3 \\xed\\xa0\\x80 \\xc0\\xaf");
    EXPECT_EQ(base::escape_for_log(std::string_view("nul\0!", 5)), "nul\\u0000!");
    EXPECT_EQ(base::escape_for_log("plain ASCII ~"), "plain ASCII ~");
}

TEST(ClientLine, CarriesTimeNamePeerAndTheEscapedMessage) {
    base::set_log_name("server-1-abc");
    std::string line = base::client_line("127.0.0.1:40312", "Host 'a\u202eb' refused");
    ASSERT_EQ(line.size(), 24 + std::string(" [server-1-abc] 127.0.0.1:40312 Host 'a\\u202eb' refused").size()) << line;
    EXPECT_EQ(line.substr(24), " [server-1-abc] 127.0.0.1:40312 Host 'a\\u202eb' refused");
    // 2026-12-01T20:01:05.123Z
    EXPECT_EQ(line[4], '-');
    EXPECT_EQ(line[10], 'T');
    EXPECT_EQ(line[19], '.');
    EXPECT_EQ(line[23], 'Z');
    base::set_log_name("");
}

}  // namespace
