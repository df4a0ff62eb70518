// Times as the page shows them. The browser gives Unix milliseconds and its
// offset from UTC; the registry gives ISO 8601 as ws-server writes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace client {

// utc_offset_minutes: local time minus UTC (CET is +60), i.e. minus JavaScript's
// Date.getTimezoneOffset().
std::string format_clock(double wall_ms, int utc_offset_minutes);      // "14:03:22.123"
std::string format_date_time(double wall_ms, int utc_offset_minutes);  // "2026-01-03 14:03:22"

// "2026-01-03T17:42:03.456Z" (the fraction is optional, any number of digits;
// only "Z", the one zone ws-server writes) -> Unix ms. nullopt if malformed.
std::optional<double> parse_iso8601_ms(std::string_view text) noexcept;

}  // namespace client
