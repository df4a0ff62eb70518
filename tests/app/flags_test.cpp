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
    std::string registry;
    uint64_t big = 16u << 20;
    uint64_t port = 0;
    uint64_t size = 1024;
    int64_t timeout = 10'000;
    bool yes = false;
    std::vector<std::string> list;
    app::Flags flags;
    Target() {
        flags.add_address("host", "h", &host);
        flags.add_path("registry", "r", &registry);
        flags.add_size("big", "b", &big, 125, 1u << 30);
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

TEST(Flags, HostNames) {
    std::string name;
    app::Flags flags;
    flags.add_host_name("advertise", "a", &name);
    auto parse = [&](std::string value, std::string* error) {
        std::string flag = "--advertise";
        char prog[] = "prog";
        char* argv[] = {prog, flag.data(), value.data()};
        return flags.parse(3, argv, error);
    };
    std::string error;
    for (const char* good : {"devbox", "build-1.lan", "10.0.0.5", "fd00::5", "DevBox"}) {
        EXPECT_EQ(parse(good, &error), app::Flags::Outcome::run) << good << ": " << error;
        EXPECT_EQ(name, good);
    }
    for (const char* bad : {"", "dev box", "devbox:80", "[fd00::5]", "-x", ".lan", "a/b", "user@devbox"}) {
        EXPECT_EQ(parse(bad, &error), app::Flags::Outcome::bad) << bad;
        EXPECT_EQ(error, "--advertise: '" + std::string(bad) +
                             "' is not a host name (letters, digits, '-', '.') nor a numeric address");
    }
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
        {{"--max", "2GiB"}, "--max: '2GiB' is more than the maximum, 1MiB"},
        {{"--max", "2TiB"}, "--max: '2TiB': the unit must be B, KiB, MiB or GiB"},
        {{"--max", "8"}, "--max: '8' is less than the minimum, 16"},
        {{"--max", "1048577"}, "--max: '1048577' is more than the maximum, 1MiB"},
        {{"--big", "1.5MiB"}, "--big: '1.5MiB': sizes are whole numbers: write 1536KiB"},
        {{"--big", "0.25GiB"}, "--big: '0.25GiB': sizes are whole numbers: write 256MiB"},
        {{"--big", "1.5"}, "--big: '1.5': sizes are whole numbers, and 1.5 is no whole number of bytes"},
        {{"--big", "1.5XiB"}, "--big: '1.5XiB': sizes are whole numbers"},
        {{"--big", "1.3KiB"}, "--big: '1.3KiB': sizes are whole numbers, and 1.3KiB is no whole number of bytes"},
        {{"--big", "2GiB"}, "--big: '2GiB' is more than the maximum, 1GiB"},
        {{"--big", "x"}, "--big: 'x' is not a size"},
        {{"--registry", ""}, "--registry: the value is empty (leave the flag out for the default)"},
        {{"--registry="}, "--registry: the value is empty (leave the flag out for the default)"},
        {{"--host", "nowhere.invalid"}, "--host: 'nowhere.invalid' is not a numeric IPv4 or IPv6 address, nor localhost"},
        {{"--host", ""}, "--host: '' is not a numeric IPv4 or IPv6 address, nor localhost"},
        {{"--host", "127.0.0.1:80"}, "--host: '127.0.0.1:80' is not a numeric IPv4 or IPv6 address, nor localhost"},
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

// What --help promises is accepted, up to the maximum itself.
TEST(Flags, EverySizeUnitUpToTheMaximum) {
    const std::pair<std::string, uint64_t> cases[] = {
        {"1GiB", 1u << 30}, {"1024MiB", 1u << 30}, {"125B", 125}, {"125", 125}, {"64KiB", 65536}, {"16MiB", 16u << 20},
    };
    for (const auto& [text, bytes] : cases) {
        Target t;
        auto p = t.parse({"--big", text});
        ASSERT_EQ(p.outcome, app::Flags::Outcome::run) << text << ": " << p.error;
        EXPECT_EQ(t.big, bytes) << text;
    }
    Target t;
    for (const char* host : {"localhost", "::1", "127.0.0.2", "0.0.0.0"}) {
        auto p = t.parse({"--host", host});
        ASSERT_EQ(p.outcome, app::Flags::Outcome::run) << host << ": " << p.error;
        EXPECT_EQ(t.host, host);
    }
    EXPECT_EQ(app::format_size(1u << 30), "1GiB");
}

TEST(Flags, HelpAndVersion) {
    Target t;
    EXPECT_EQ(t.parse({"--help"}).outcome, app::Flags::Outcome::help);
    EXPECT_EQ(t.parse({"--version"}).outcome, app::Flags::Outcome::version);
    std::string usage = t.flags.usage("Usage: prog");
    EXPECT_NE(usage.find("--max SIZE "), std::string::npos);
    EXPECT_NE(usage.find("--timeout DURATION "), std::string::npos);
    EXPECT_NE(usage.find("--port N "), std::string::npos);
    EXPECT_NE(usage.find("--host ADDR "), std::string::npos);
    EXPECT_NE(usage.find("--registry PATH "), std::string::npos);
    EXPECT_NE(usage.find("\nSIZE: a whole number of bytes, or of B, KiB, MiB or GiB (64KiB, 16MiB, 1GiB).\n"
                         "DURATION: a whole number of ms, s or m (250ms, 30s, 2m); a bare number is seconds.\n"),
              std::string::npos)
        << usage;
    EXPECT_NE(usage.find("(default 1KiB)"), std::string::npos);
    EXPECT_NE(usage.find("(default 10s)"), std::string::npos);
}

TEST(Flags, SizesInGiB) {
    EXPECT_EQ(app::format_size(uint64_t{1} << 30), "1GiB");
    EXPECT_EQ(app::format_size(uint64_t{3} << 29), "1536MiB");
    app::Flags flags;
    uint64_t size = 0;
    flags.add_size("memory", "", &size, 1, uint64_t{1} << 40);
    char name[] = "prog", flag[] = "--memory", value[] = "2GiB";
    char* argv[] = {name, flag, value};
    std::string error;
    EXPECT_EQ(flags.parse(3, argv, &error), app::Flags::Outcome::run) << error;
    EXPECT_EQ(size, uint64_t{2} << 30);
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
