#include "clock.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace client {

namespace {

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

struct CivilDate {
    int64_t year;
    int month;  // 1..12
    int day;    // 1..31
};

// Howard Hinnant's days_from_civil / civil_from_days: exact for the
// proleptic Gregorian calendar, no table, no time zone database.
int64_t days_from_civil(CivilDate date) noexcept {
    int64_t y = date.year - (date.month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t days) noexcept {
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2), month, day};
}

int64_t local_ms(double wall_ms, int utc_offset_minutes) noexcept {
    return static_cast<int64_t>(std::floor(wall_ms)) + int64_t{utc_offset_minutes} * 60 * 1000;
}

// Reads exactly `width` digits at text[pos]; -1 if any is not a digit.
int digits(std::string_view text, size_t pos, size_t width) noexcept {
    if (pos + width > text.size()) return -1;
    int value = 0;
    for (size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

}  // namespace

std::string format_clock(double wall_ms, int utc_offset_minutes) {
    int64_t ms = local_ms(wall_ms, utc_offset_minutes);
    ms = ((ms % kDayMs) + kDayMs) % kDayMs;  // times before 1970 still land inside a day
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", static_cast<int>(ms / 3600000),
                  static_cast<int>(ms / 60000 % 60), static_cast<int>(ms / 1000 % 60),
                  static_cast<int>(ms % 1000));
    return text;
}

std::string format_date_time(double wall_ms, int utc_offset_minutes) {
    int64_t ms = local_ms(wall_ms, utc_offset_minutes);
    int64_t days = ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs;
    int64_t in_day = ms - days * kDayMs;
    CivilDate date = civil_from_days(days);
    char text[40];
    std::snprintf(text, sizeof text, "%04lld-%02d-%02d %02d:%02d:%02d", static_cast<long long>(date.year),
                  date.month, date.day, static_cast<int>(in_day / 3600000),
                  static_cast<int>(in_day / 60000 % 60), static_cast<int>(in_day / 1000 % 60));
    return text;
}

std::optional<double> parse_iso8601_ms(std::string_view text) noexcept {
    // YYYY-MM-DDTHH:MM:SS[.fff...]Z
    int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':')
        return std::nullopt;
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 60)
        return std::nullopt;
    size_t pos = 19;
    double fraction_ms = 0;
    if (text[pos] == '.') {
        double scale = 100;
        size_t start = ++pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, scale /= 10)
            fraction_ms += (text[pos] - '0') * scale;
        if (pos == start) return std::nullopt;
    }
    if (pos + 1 != text.size() || text[pos] != 'Z') return std::nullopt;
    int64_t days = days_from_civil({year, month, day});
    CivilDate round_trip = civil_from_days(days);  // 2026-02-31 would come back as March
    if (round_trip.month != month || round_trip.day != day) return std::nullopt;
    int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    return static_cast<double>(seconds) * 1000 + fraction_ms;
}

}  // namespace client
