// Civil dates and ISO 8601 timestamps, the one home of both (HTTP dates,
// registry startedAt, the client's clock): proleptic Gregorian calendar, UTC,
// no time zone database, no locale. Tested in tests/base/civil_time_test.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace base {

struct CivilDate {
    int64_t year;
    int month;  // 1..12
    int day;    // 1..31
    bool operator==(const CivilDate&) const = default;
};

constexpr bool is_leap_year(int64_t year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

constexpr int days_in_month(int64_t year, int month) noexcept {
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 and back (H. Hinnant, "chrono-Compatible Low-Level
// Date Algorithms"): years start in March so the leap day comes last. Exact
// for every date; days_from_civil takes valid dates only.
constexpr int64_t days_from_civil(CivilDate date) noexcept {
    const int64_t year = date.year - (date.month <= 2 ? 1 : 0);
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;
    const int64_t day_of_year = (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1;
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

constexpr CivilDate civil_from_days(int64_t days) noexcept {
    const int64_t shifted = days + 719468;
    const int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    const int64_t day_of_era = shifted - era * 146097;
    const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
    const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
    const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
    return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// `value` divided by `unit` rounded down, so times before 1970 fall on the
// day (or second) they are in: floor_div(-1, 1000) is -1.
constexpr int64_t floor_div(int64_t value, int64_t unit) noexcept {
    return value >= 0 ? value / unit : (value - unit + 1) / unit;
}

inline constexpr int64_t kMsPerDay = 86'400'000;

// "2026-01-03T17:42:03.456Z": UTC, always milliseconds. Years 0000-9999 read
// back with parse_iso8601_ms; others are written but not read.
std::string format_iso8601_ms(int64_t unix_ms);

// The one grammar for startedAt, wherever it is read:
//   YYYY-MM-DD "T" HH:MM:SS [ "." 1*9DIGIT ] ( "Z" / ("+" / "-") HH:MM )
// a real calendar day (2026-02-29 is refused), hours 00-23, minutes and
// seconds 00-59 (no leap second: Unix time has none), offsets up to 23:59;
// "T" and "Z" upper case. A fraction is cut to milliseconds. Unix ms, or
// nullopt for anything else.
std::optional<int64_t> parse_iso8601_ms(std::string_view text) noexcept;

}  // namespace base
