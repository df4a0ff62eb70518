#include "client/options.h"

#include <gtest/gtest.h>

namespace {

using client::Options;
using client::parse_options;

struct OptionsCase {
    const char* name;
    const char* query;
    int refresh_ms;
    const char* problem;
};

const OptionsCase kOptionsCases[] = {
    {"empty", "", 5000, ""},
    {"just_question_mark", "?", 5000, ""},
    {"refresh", "?refresh=1000", 1000, ""},
    {"without_question_mark", "refresh=250", 250, ""},
    {"among_others", "?a=1&refresh=750&b", 750, ""},
    {"last_wins", "?refresh=300&refresh=400", 400, ""},
    {"unknown_keys_ignored", "?theme=dark&x", 5000, ""},
    {"minimum", "?refresh=100", 100, ""},
    {"maximum", "?refresh=3600000", 3600000, ""},
    {"too_small", "?refresh=99", 5000, "ignored refresh=99: expected milliseconds from 100 to 3600000"},
    {"too_big", "?refresh=3600001", 5000,
     "ignored refresh=3600001: expected milliseconds from 100 to 3600000"},
    {"not_a_number", "?refresh=fast", 5000,
     "ignored refresh=fast: expected milliseconds from 100 to 3600000"},
    {"trailing_garbage", "?refresh=10s", 5000,
     "ignored refresh=10s: expected milliseconds from 100 to 3600000"},
    {"negative", "?refresh=-1000", 5000, "ignored refresh=-1000: expected milliseconds from 100 to 3600000"},
    {"empty_value", "?refresh=", 5000, "ignored refresh=: expected milliseconds from 100 to 3600000"},
    {"no_value", "?refresh", 5000, "ignored refresh=: expected milliseconds from 100 to 3600000"},
    {"overflow", "?refresh=99999999999999999999", 5000,
     "ignored refresh=99999999999999999999: expected milliseconds from 100 to 3600000"},
};

class ClientOptionsTest : public testing::TestWithParam<OptionsCase> {};

TEST_P(ClientOptionsTest, Parse) {
    const OptionsCase& c = GetParam();
    Options options = parse_options(c.query);
    EXPECT_EQ(options.refresh_ms, c.refresh_ms);
    EXPECT_EQ(options.problem, c.problem);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientOptionsTest, testing::ValuesIn(kOptionsCases),
                         [](const testing::TestParamInfo<OptionsCase>& param_info) {
                             return param_info.param.name;
                         });

}  // namespace
