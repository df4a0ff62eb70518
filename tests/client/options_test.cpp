#include "client/options.h"

#include <gtest/gtest.h>

namespace {

using client::Options;
using client::parse_options;

struct OptionsCase {
    const char* name;
    const char* query;
    int poll_ms;
    const char* problem;
    bool watch = true;
};

const OptionsCase kOptionsCases[] = {
    {"empty", "", 5000, ""},
    {"just_question_mark", "?", 5000, ""},
    {"poll", "?poll=1000", 1000, ""},
    {"poll_an_hour", "?poll=3600000", 3600000, ""},
    {"poll_bad", "?poll=soon", 5000, "ignored poll=soon: expected milliseconds from 100 to 3600000"},
    {"watch_off", "?watch=off", 5000, "", false},
    {"watch_0", "?watch=0&poll=1000", 1000, "", false},
    {"watch_on", "?watch=on", 5000, "", true},
    {"watch_bad", "?watch=maybe", 5000, "ignored watch=maybe: expected on or off", true},
    {"refresh_is_the_old_name", "?refresh=1000", 1000, ""},
    {"poll_and_refresh_last_wins", "?poll=200&refresh=300", 300, ""},
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
    EXPECT_EQ(options.poll_ms, c.poll_ms);
    EXPECT_EQ(options.problem, c.problem);
    EXPECT_EQ(options.watch, c.watch);
}

INSTANTIATE_TEST_SUITE_P(Table, ClientOptionsTest, testing::ValuesIn(kOptionsCases),
                         [](const testing::TestParamInfo<OptionsCase>& param_info) {
                             return param_info.param.name;
                         });

}  // namespace
