#include "base/civil_time.h"

#include <cstdio>

#include "base/ascii.h"

namespace base {

std::string format_iso8601_ms(int64_t unix_ms) {
    const int64_t days = floor_div(unix_ms, kMsPerDay);
    const int64_t ms_of_day = unix_ms - days * kMsPerDay;
    const CivilDate date = civil_from_days(days);
    char text[64];
    std::snprintf(text, sizeof text, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(date.year),
                  date.month, date.day, static_cast<int>(ms_of_day / 3'600'000),
                  static_cast<int>(ms_of_day / 60'000 % 60), static_cast<int>(ms_of_day / 1000 % 60),
                  static_cast<int>(ms_of_day % 1000));
    return text;
}

std::optional<int64_t> parse_iso8601_ms(std::string_view text) noexcept {
    const int year = fixed_digits(text, 0, 4), month = fixed_digits(text, 5, 2), day = fixed_digits(text, 8, 2);
    const int hour = fixed_digits(text, 11, 2), minute = fixed_digits(text, 14, 2), second = fixed_digits(text, 17, 2);
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        return std::nullopt;
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
        return std::nullopt;
    size_t pos = 19;
    int64_t millis = 0;
    if (text[pos] == '.') {
        size_t digits = 0;
        for (++pos; pos < text.size() && is_digit(text[pos]); ++pos, ++digits)
            if (digits < 3) millis = millis * 10 + (text[pos] - '0');
        if (digits == 0 || digits > 9) return std::nullopt;
        for (; digits < 3; ++digits) millis *= 10;
    }
    int64_t offset_minutes = 0;
    if (pos < text.size() && text[pos] == 'Z') {
        pos += 1;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int offset_hours = fixed_digits(text, pos + 1, 2), offset_mins = fixed_digits(text, pos + 4, 2);
        if (offset_hours < 0 || offset_hours > 23 || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            offset_mins < 0 || offset_mins > 59)
            return std::nullopt;
        offset_minutes = (text[pos] == '-' ? -1 : 1) * (offset_hours * 60 + offset_mins);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    const int64_t seconds = days_from_civil({year, month, day}) * 86'400 + hour * 3600 + minute * 60 + second;
    return (seconds - offset_minutes * 60) * 1000 + millis;
}

}  // namespace base
