#include "app/flags.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

struct Parsed {
    app::Flags::Outcome outcome;
    std::string error;
};

struct Target {
    std::string host = "127.0.0.1";
    uint64_t port = 0;
    uint64_t size = 1024;
    int64_t timeout = 10'000;
    bool yes = false;
    std::vector<std::string> list;
    app::Flags flags;
    Target() {
        flags.add_string("host", "h", &host);
        flags.add_uint("port", "p", &port, 0, 65535);
        flags.add_size("max", "m", &size, 16, 1u << 20);
        flags.add_duration("timeout", "t", &timeout, 10);
        flags.add_bool("yes", "y", &yes);
        flags.add_list("allow", "a", &list);
    }
    Parsed parse(std::vector<std::string> args) {
        args.insert(args.begin(), "prog");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        Parsed p;
        p.outcome = flags.parse(static_cast<int>(argv.size()), argv.data(), &p.error);
        return p;
    }
};

TEST(Flags, ParsesEveryKind) {
    Target t;
    auto p = t.parse({"--host", "::1", "--port=8080", "--max", "64KiB", "--timeout", "250ms", "--yes", "--allow",
                      "a", "--allow=b"});
    ASSERT_EQ(p.outcome, app::Flags::Outcome::run) << p.error;
    EXPECT_EQ(t.host, "::1");
    EXPECT_EQ(t.port, 8080u);
    EXPECT_EQ(t.size, 65536u);
    EXPECT_EQ(t.timeout, 250);
    EXPECT_TRUE(t.yes);
    EXPECT_EQ(t.list, (std::vector<std::string>{"a", "b"}));
}

TEST(Flags, DurationUnits) {
    Target t;
    ASSERT_EQ(t.parse({"--timeout", "30"}).outcome, app::Flags::Outcome::run);
    EXPECT_EQ(t.timeout, 30'000);
    ASSERT_EQ(t.parse({"--timeout", "2m"}).outcome, app::Flags::Outcome::run);
    EXPECT_EQ(t.timeout, 120'000);
}

TEST(Flags, EachMistakeHasItsMessage) {
    const std::pair<std::vector<std::string>, std::string> cases[] = {
        {{"--port", "x"}, "--port: 'x' is not a number"},
        {{"--port", "70000"}, "--port: '70000' is outside 0..65535"},
        {{"--port"}, "--port needs a value"},
        {{"--nope"}, "unknown flag --nope"},
        {{"stray"}, "unexpected argument 'stray'"},
        {{"--yes=1"}, "--yes takes no value"},
        {{"--max", "2GiB"}, "--max: '2GiB': the unit must be B, KiB or MiB"},
        {{"--max", "8"}, "--max: '8' is outside 16..1048576 bytes"},
        {{"--timeout", "5ms"}, "--timeout: '5ms' is shorter than 10ms"},
        {{"--timeout", "1h"}, "--timeout: '1h': the unit must be ms, s or m"},
    };
    for (const auto& [args, message] : cases) {
        Target t;
        auto p = t.parse(args);
        EXPECT_EQ(p.outcome, app::Flags::Outcome::bad) << message;
        EXPECT_EQ(p.error, message);
    }
}

TEST(Flags, HelpAndVersion) {
    Target t;
    EXPECT_EQ(t.parse({"--help"}).outcome, app::Flags::Outcome::help);
    EXPECT_EQ(t.parse({"--version"}).outcome, app::Flags::Outcome::version);
    std::string usage = t.flags.usage("Usage: prog");
    EXPECT_NE(usage.find("--max VALUE"), std::string::npos);
    EXPECT_NE(usage.find("(default 1KiB)"), std::string::npos);
    EXPECT_NE(usage.find("(default 10s)"), std::string::npos);
}

TEST(Flags, PositionalsWhenAsked) {
    Target t;
    EXPECT_EQ(t.parse({"ID"}).error, "unexpected argument 'ID'");
    std::vector<std::string> args;
    t.flags.add_positionals(&args);
    EXPECT_EQ(t.parse({"one", "--yes", "two", "--", "--port", "x"}).outcome, app::Flags::Outcome::run);
    EXPECT_EQ(args, (std::vector<std::string>{"one", "two", "--port", "x"}));
    EXPECT_TRUE(t.yes);
    EXPECT_EQ(t.port, 0u);  // after "--" nothing is a flag
}

TEST(Flags, PositionalsStopAtTheFirst) {
    Target t;
    std::vector<std::string> args;
    t.flags.add_positionals(&args, true);
    EXPECT_EQ(t.parse({"--port", "7", "python3", "-m", "--port", "9"}).outcome, app::Flags::Outcome::run);
    EXPECT_EQ(args, (std::vector<std::string>{"python3", "-m", "--port", "9"}));
    EXPECT_EQ(t.port, 7u);
}

}  // namespace
