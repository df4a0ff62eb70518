#include "clock.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "base/civil_time.h"

namespace client {

namespace {

int64_t local_ms(double wall_ms, int utc_offset_minutes) noexcept {
    return static_cast<int64_t>(std::floor(wall_ms)) + int64_t{utc_offset_minutes} * 60 * 1000;
}

}  // namespace

std::string format_clock(double wall_ms, int utc_offset_minutes) {
    int64_t ms = local_ms(wall_ms, utc_offset_minutes);
    ms -= base::floor_div(ms, base::kMsPerDay) * base::kMsPerDay;  // times before 1970 still land inside a day
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", static_cast<int>(ms / 3600000),
                  static_cast<int>(ms / 60000 % 60), static_cast<int>(ms / 1000 % 60),
                  static_cast<int>(ms % 1000));
    return text;
}

std::string format_date_time(double wall_ms, int utc_offset_minutes) {
    int64_t ms = local_ms(wall_ms, utc_offset_minutes);
    int64_t days = base::floor_div(ms, base::kMsPerDay);
    int64_t in_day = ms - days * base::kMsPerDay;
    base::CivilDate date = base::civil_from_days(days);
    char text[40];
    std::snprintf(text, sizeof text, "%04lld-%02d-%02d %02d:%02d:%02d", static_cast<long long>(date.year),
                  date.month, date.day, static_cast<int>(in_day / 3600000),
                  static_cast<int>(in_day / 60000 % 60), static_cast<int>(in_day / 1000 % 60));
    return text;
}

std::string format_interval(int ms) {
    if (ms >= 3600000 && ms % 3600000 == 0) return std::to_string(ms / 3600000) + " h";
    if (ms >= 60000 && ms % 60000 == 0) return std::to_string(ms / 60000) + " min";
    if (ms < 1000) return std::to_string(ms) + " ms";
    std::string text = std::to_string(ms / 1000);
    if (ms % 1000 != 0) {
        std::string fraction = std::to_string(1000 + ms % 1000).substr(1);  // "050"
        while (fraction.back() == '0') fraction.pop_back();
        text += "." + fraction;
    }
    return text + " s";
}

}  // namespace client
