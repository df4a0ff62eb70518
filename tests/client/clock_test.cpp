#include "client/clock.h"

#include <gtest/gtest.h>

namespace {

using client::format_clock;
using client::format_date_time;

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

TEST(ClientClock, FormatsTheRegistrysStartedAt) {
    // The card shows startedAt as read by base::parse_iso8601_ms (tests/base/civil_time_test.cpp).
    EXPECT_EQ(format_date_time(1767462123456.0, 60), "2026-01-03 18:42:03");
}

TEST(ClientClock, FormatInterval) {
    EXPECT_EQ(client::format_interval(5000), "5 s");
    EXPECT_EQ(client::format_interval(1500), "1.5 s");
    EXPECT_EQ(client::format_interval(1050), "1.05 s");
    EXPECT_EQ(client::format_interval(1001), "1.001 s");
    EXPECT_EQ(client::format_interval(999), "999 ms");
    EXPECT_EQ(client::format_interval(100), "100 ms");
    EXPECT_EQ(client::format_interval(60000), "1 min");
    EXPECT_EQ(client::format_interval(90000), "90 s");
    EXPECT_EQ(client::format_interval(3600000), "1 h");
}

}  // namespace
