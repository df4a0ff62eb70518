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
