// The one calendar and the one ISO 8601 grammar (server/base/civil_time.h),
// used by http_date, the registry's startedAt and the client's clock.
#include "base/civil_time.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using base::CivilDate;
using base::format_iso8601_ms;
using base::parse_iso8601_ms;

TEST(CivilTime, DaysFromCivilAndBack) {
    struct Case {
        CivilDate date;
        int64_t days;
    };
    const Case cases[] = {
        {{1970, 1, 1}, 0},
        {{1969, 12, 31}, -1},
        {{1970, 3, 1}, 59},
        {{2000, 2, 29}, 11016},      // divisible by 400: leap
        {{2000, 3, 1}, 11017},
        {{1900, 3, 1}, -25508},      // 1900 is not a leap year: 28 Feb is the day before
        {{1900, 2, 28}, -25509},
        {{2100, 3, 1}, 47541},
        {{1600, 2, 29}, -135081},
        {{0, 1, 1}, -719528},
        {{-1, 12, 31}, -719529},     // proleptic: 1 BC
        {{9999, 12, 31}, 2932896},
        {{2026, 1, 3}, 20456},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::to_string(c.date.year) + "-" + std::to_string(c.date.month) + "-" + std::to_string(c.date.day));
        EXPECT_EQ(base::days_from_civil(c.date), c.days);
        EXPECT_EQ(base::civil_from_days(c.days), c.date);
    }
    // Every day from 1600 to 2400 goes there and back, and follows the day before.
    CivilDate previous = base::civil_from_days(base::days_from_civil({1600, 1, 1}) - 1);
    for (int64_t day = base::days_from_civil({1600, 1, 1}); day < base::days_from_civil({2400, 1, 1}); ++day) {
        const CivilDate date = base::civil_from_days(day);
        ASSERT_EQ(base::days_from_civil(date), day);
        const bool next_day = date.day == previous.day + 1 && date.month == previous.month;
        const bool next_month = date.day == 1 && previous.day == base::days_in_month(previous.year, previous.month);
        ASSERT_TRUE(next_day || next_month) << date.year << "-" << date.month << "-" << date.day;
        previous = date;
    }
}

TEST(CivilTime, LeapYearsAndMonthLengths) {
    EXPECT_TRUE(base::is_leap_year(2000));
    EXPECT_TRUE(base::is_leap_year(2024));
    EXPECT_TRUE(base::is_leap_year(1600));
    EXPECT_FALSE(base::is_leap_year(1900));
    EXPECT_FALSE(base::is_leap_year(2100));
    EXPECT_FALSE(base::is_leap_year(2026));
    EXPECT_EQ(base::days_in_month(2024, 2), 29);
    EXPECT_EQ(base::days_in_month(2100, 2), 28);
    EXPECT_EQ(base::days_in_month(2026, 4), 30);
    EXPECT_EQ(base::days_in_month(2026, 12), 31);
}

TEST(CivilTime, FloorDivRoundsTowardsTheEarlierDay) {
    EXPECT_EQ(base::floor_div(0, 1000), 0);
    EXPECT_EQ(base::floor_div(999, 1000), 0);
    EXPECT_EQ(base::floor_div(-1, 1000), -1);
    EXPECT_EQ(base::floor_div(-1000, 1000), -1);
    EXPECT_EQ(base::floor_div(-1001, 1000), -2);
}

struct TimeCase {
    int64_t unix_ms;
    const char* iso;
};

// Written by format_iso8601_ms and read back by parse_iso8601_ms exactly.
const TimeCase kTimeCases[] = {
    {0, "1970-01-01T00:00:00.000Z"},
    {1, "1970-01-01T00:00:00.001Z"},
    {-1, "1969-12-31T23:59:59.999Z"},
    {-86'400'000, "1969-12-31T00:00:00.000Z"},
    {-2'208'988'800'000, "1900-01-01T00:00:00.000Z"},
    {-62'167'219'200'000, "0000-01-01T00:00:00.000Z"},
    {1767462123456, "2026-01-03T17:42:03.456Z"},
    {951782400000, "2000-02-29T00:00:00.000Z"},
    {1709164800000, "2024-02-29T00:00:00.000Z"},
    {4102444799999, "2099-12-31T23:59:59.999Z"},
    {4107542400000, "2100-03-01T00:00:00.000Z"},
    {253402300799999, "9999-12-31T23:59:59.999Z"},
};

TEST(Iso8601, FormatAndParse) {
    for (const TimeCase& c : kTimeCases) {
        SCOPED_TRACE(c.iso);
        EXPECT_EQ(format_iso8601_ms(c.unix_ms), c.iso);
        EXPECT_EQ(parse_iso8601_ms(c.iso), c.unix_ms);
    }
}

TEST(Iso8601, RoundTripAcrossCenturies) {
    for (int64_t ms = -2'208'988'800'000; ms < 4'102'444'800'000; ms += 86'400'000LL * 37 + 3'723'456)
        ASSERT_EQ(parse_iso8601_ms(format_iso8601_ms(ms)), ms) << format_iso8601_ms(ms);
}

struct ParseCase {
    const char* name;
    const char* iso;
    std::optional<int64_t> unix_ms;
};

const ParseCase kParseCases[] = {
    // valid
    {"no_fraction", "2026-01-03T17:42:03Z", 1767462123000},
    {"one_fraction_digit", "2026-01-03T17:42:03.4Z", 1767462123400},
    {"two_fraction_digits", "2026-01-03T17:42:03.45Z", 1767462123450},
    {"micro_fraction_cut", "2026-01-03T17:42:03.456789Z", 1767462123456},
    {"nine_fraction_digits_cut", "2026-01-03T17:42:03.456789999Z", 1767462123456},
    {"utc_offset", "2026-01-03T17:42:03.456+00:00", 1767462123456},
    {"negative_zero_offset", "2026-01-03T17:42:03.456-00:00", 1767462123456},
    {"positive_offset", "2026-01-03T19:42:03.456+02:00", 1767462123456},
    {"negative_offset", "2026-01-03T12:12:03.456-05:30", 1767462123456},
    {"largest_offset", "2026-01-04T17:41:03.456+23:59", 1767462123456},
    {"offset_across_1970", "1970-01-01T00:59:59.999+01:00", -1},
    {"leap_day_2000", "2000-02-29T12:00:00Z", 951825600000},
    {"leap_day_1600", "1600-02-29T00:00:00Z", -11670998400000},
    {"last_second_of_a_day", "2026-01-03T23:59:59.999Z", 1767484799999},
    {"year_9999_no_fraction", "9999-12-31T23:59:59Z", 253402300799000},
    {"year_zero", "0000-03-01T00:00:00Z", -62162035200000},
    // invalid
    {"empty", "", std::nullopt},
    {"date_only", "2026-01-03", std::nullopt},
    {"no_zone", "2026-01-03T17:42:03.456", std::nullopt},
    {"space_separator", "2026-01-03 17:42:03.456Z", std::nullopt},
    {"lowercase_t", "2026-01-03t17:42:03.456Z", std::nullopt},
    {"lowercase_z", "2026-01-03T17:42:03.456z", std::nullopt},
    {"month_00", "2026-00-03T17:42:03Z", std::nullopt},
    {"month_13", "2026-13-03T17:42:03.456Z", std::nullopt},
    {"day_00", "2026-01-00T17:42:03Z", std::nullopt},
    {"april_31", "2026-04-31T00:00:00Z", std::nullopt},
    {"february_30", "2026-02-30T17:42:03.456Z", std::nullopt},
    {"february_29_non_leap", "2025-02-29T00:00:00.000Z", std::nullopt},
    {"february_29_1900", "1900-02-29T00:00:00.000Z", std::nullopt},
    {"february_29_2100", "2100-02-29T00:00:00.000Z", std::nullopt},
    {"hour_24", "2026-01-03T24:00:00.000Z", std::nullopt},
    {"minute_60", "2026-01-03T17:60:00Z", std::nullopt},
    {"leap_second_60", "2016-12-31T23:59:60.000Z", std::nullopt},
    {"empty_fraction", "2026-01-03T17:42:03.Z", std::nullopt},
    {"comma_fraction", "2026-01-03T17:42:03,456Z", std::nullopt},
    {"ten_fraction_digits", "2026-01-03T17:42:03.4567899999Z", std::nullopt},
    {"short_offset", "2026-01-03T17:42:03+00", std::nullopt},
    {"offset_without_colon", "2026-01-03T17:42:03+0000", std::nullopt},
    {"offset_hour_24", "2026-01-03T17:42:03+24:00", std::nullopt},
    {"offset_minute_60", "2026-01-03T17:42:03+01:60", std::nullopt},
    {"offset_and_z", "2026-01-03T17:42:03+01:00Z", std::nullopt},
    {"trailing_space", "2026-01-03T17:42:03.456Z ", std::nullopt},
    {"trailing_text", "2026-01-03T17:42:03Zx", std::nullopt},
    {"leading_space", " 2026-01-03T17:42:03Z", std::nullopt},
    {"two_digit_year", "26-01-03T17:42:03.456Z", std::nullopt},
    {"five_digit_year", "10000-01-01T00:00:00Z", std::nullopt},
    {"negative_year", "-0001-01-01T00:00:00Z", std::nullopt},
    {"sign_in_digits", "2026-0+-03T17:42:03.456Z", std::nullopt},
    {"letter_in_digits", "2026-0a-03T17:42:03Z", std::nullopt},
    {"one_digit_day", "2026-01-3T17:42:03Z", std::nullopt},
};

TEST(Iso8601, OneGrammar) {
    for (const ParseCase& c : kParseCases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(parse_iso8601_ms(c.iso), c.unix_ms) << c.iso;
    }
}

TEST(Iso8601, EveryProperPrefixIsRefused) {
    for (std::string_view text : {"2026-01-03T17:42:03.456Z", "2026-01-03T12:12:03.456-05:30"}) {
        for (size_t size = 0; size < text.size(); ++size)
            EXPECT_EQ(parse_iso8601_ms(text.substr(0, size)), std::nullopt) << text.substr(0, size);
    }
}

}  // namespace
