#include "client/backoff.h"

#include <gtest/gtest.h>

namespace {

using client::Backoff;

struct BackoffCase {
    const char* name;
    int failures;
    double random01;
    double expected_ms;
};

const BackoffCase kBackoffCases[] = {
    {"first_failure_no_jitter", 1, 0.0, 250},
    {"first_failure_full_jitter", 1, 1.0, 500},
    {"first_failure_half_jitter", 1, 0.5, 375},
    {"second_failure_doubles", 2, 0.0, 500},
    {"third_failure_doubles_again", 3, 1.0, 2000},
    {"seventh_failure_is_capped", 7, 1.0, 30000},
    {"cap_keeps_a_floor_of_half", 7, 0.0, 15000},
    {"huge_count_does_not_overflow", 1 << 30, 1.0, 30000},
    {"zero_failures_counts_as_one", 0, 1.0, 500},
    {"negative_failures_counts_as_one", -5, 1.0, 500},
    {"random_below_zero_is_clamped", 1, -3.0, 250},
    {"random_above_one_is_clamped", 1, 7.0, 500},
};

class ClientBackoffTest : public testing::TestWithParam<BackoffCase> {};

TEST_P(ClientBackoffTest, Delay) {
    const BackoffCase& c = GetParam();
    EXPECT_DOUBLE_EQ(Backoff{}.delay_ms(c.failures, c.random01), c.expected_ms);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientBackoffTest, testing::ValuesIn(kBackoffCases),
                         [](const testing::TestParamInfo<BackoffCase>& param_info) {
                             return param_info.param.name;
                         });

TEST(ClientBackoff, NeverShrinksAsFailuresGrow) {
    Backoff backoff;
    for (int failures = 1; failures < 40; ++failures)
        EXPECT_LE(backoff.delay_ms(failures, 1.0), backoff.delay_ms(failures + 1, 1.0)) << failures;
}

TEST(ClientBackoff, CustomLimits) {
    Backoff backoff{100, 1000};
    EXPECT_DOUBLE_EQ(backoff.delay_ms(1, 1.0), 100);
    EXPECT_DOUBLE_EQ(backoff.delay_ms(4, 1.0), 800);
    EXPECT_DOUBLE_EQ(backoff.delay_ms(5, 1.0), 1000);
}

}  // namespace
