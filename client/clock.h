// Times as the page shows them. The browser gives Unix milliseconds and its
// offset from UTC; the registry's ISO 8601 startedAt is read with
// base::parse_iso8601_ms, the same grammar ws-server and registry-http use.
#pragma once

#include <string>

namespace client {

// utc_offset_minutes: local time minus UTC (CET is +60), i.e. minus JavaScript's
// Date.getTimezoneOffset().
std::string format_clock(double wall_ms, int utc_offset_minutes);      // "14:03:22.123"
std::string format_date_time(double wall_ms, int utc_offset_minutes);  // "2026-01-03 14:03:22"

// "5 s", "1.5 s", "250 ms": an interval as the page states it.
std::string format_interval(int ms);

}  // namespace client
