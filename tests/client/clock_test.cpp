#include "client/clock.h"

#include <gtest/gtest.h>

namespace {

using client::format_clock;
using client::format_date_time;
using client::parse_iso8601_ms;

// 2026-01-03T17:42:03.456Z, the seed's example.
constexpr double kSeedMs = 1767462123456.0;

TEST(ClientClock, FormatClock) {
    EXPECT_EQ(format_clock(kSeedMs, 0), "17:42:03.456");
    EXPECT_EQ(format_clock(kSeedMs, 60), "18:42:03.456");
    EXPECT_EQ(format_clock(kSeedMs, -8 * 60), "09:42:03.456");
    EXPECT_EQ(format_clock(kSeedMs, 7 * 60), "00:42:03.456");  // wraps past midnight
    EXPECT_EQ(format_clock(0, 0), "00:00:00.000");
    EXPECT_EQ(format_clock(-1, 0), "23:59:59.999");     // before 1970
    EXPECT_EQ(format_clock(999.9, 0), "00:00:00.999");  // truncates, never rounds up to a new second
}

TEST(ClientClock, FormatDateTime) {
    EXPECT_EQ(format_date_time(kSeedMs, 0), "2026-01-03 17:42:03");
    EXPECT_EQ(format_date_time(kSeedMs, 7 * 60), "2026-01-04 00:42:03");
    EXPECT_EQ(format_date_time(kSeedMs, -18 * 60), "2026-01-02 23:42:03");
    EXPECT_EQ(format_date_time(0, 0), "1970-01-01 00:00:00");
    EXPECT_EQ(format_date_time(-1000, 0), "1969-12-31 23:59:59");
    EXPECT_EQ(format_date_time(951782400000.0, 0), "2000-02-29 00:00:00");  // leap day
}

struct IsoCase {
    const char* name;
    const char* text;
    std::optional<double> expected;
};

const IsoCase kIsoCases[] = {
    {"seed_example", "2026-01-03T17:42:03.456Z", kSeedMs},
    {"no_fraction", "2026-01-03T17:42:03Z", kSeedMs - 456},
    {"one_digit_fraction", "2026-01-03T17:42:03.4Z", kSeedMs - 56},
    {"micro_fraction", "2026-01-03T17:42:03.456789Z", kSeedMs + 0.789},
    {"epoch", "1970-01-01T00:00:00.000Z", 0.0},
    {"leap_day", "2000-02-29T00:00:00Z", 951782400000.0},
    {"empty", "", std::nullopt},
    {"no_zone", "2026-01-03T17:42:03.456", std::nullopt},
    {"offset_zone", "2026-01-03T17:42:03.456+01:00", std::nullopt},
    {"space_not_T", "2026-01-03 17:42:03Z", std::nullopt},
    {"month_13", "2026-13-03T17:42:03Z", std::nullopt},
    {"february_30", "2026-02-30T17:42:03Z", std::nullopt},
    {"not_a_leap_year", "2026-02-29T00:00:00Z", std::nullopt},
    {"hour_24", "2026-01-03T24:00:00Z", std::nullopt},
    {"empty_fraction", "2026-01-03T17:42:03.Z", std::nullopt},
    {"letters", "2026-0a-03T17:42:03Z", std::nullopt},
    {"trailing", "2026-01-03T17:42:03Zx", std::nullopt},
};

class ClientIsoTest : public testing::TestWithParam<IsoCase> {};

TEST_P(ClientIsoTest, Parse) {
    const IsoCase& c = GetParam();
    std::optional<double> parsed = parse_iso8601_ms(c.text);
    ASSERT_EQ(parsed.has_value(), c.expected.has_value());
    if (parsed) {
        EXPECT_NEAR(*parsed, *c.expected, 1e-6);
    }
}

INSTANTIATE_TEST_SUITE_P(Table, ClientIsoTest, testing::ValuesIn(kIsoCases),
                         [](const testing::TestParamInfo<IsoCase>& param_info) {
                             return param_info.param.name;
                         });

TEST(ClientClock, EveryProperPrefixIsRejected) {
    std::string_view text = "2026-01-03T17:42:03.456Z";
    for (size_t size = 0; size < text.size(); ++size)
        EXPECT_FALSE(parse_iso8601_ms(text.substr(0, size))) << text.substr(0, size);
}

}  // namespace
