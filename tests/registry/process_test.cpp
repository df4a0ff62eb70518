#include "registry/process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "base/civil_time.h"
#include "tests/support/processes.h"
#include "base/clock.h"
#include "registry/entry.h"

namespace {

using json::Value;

struct StatCase {
    const char* name;
    std::string text;
    std::optional<char> state;  // nullopt: rejected
    uint64_t start_ticks;
};

const StatCase kStatCases[] = {
    {"plain", "1234 (bash) S 1 1234 1234 34816 1234 4194304 1000 0 0 0 1 2 0 0 20 0 1 0 987654 123456789 800\n", 'S',
     987654},
    {"comm_with_spaces_and_parens",
     "42 (a) b (c) Z 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0 18446744073709551615", 'Z', 77},
    {"comm_empty", "7 () R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 -2 -20 1 0 5 0 0", 'R', 5},
    {"field_22_last", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12", 'S', 12},
    {"empty", "", std::nullopt, 0},
    {"no_parenthesis", "1234 bash S 1 2 3", std::nullopt, 0},
    {"only_open_parenthesis", "1234 (bash S 1 2 3", std::nullopt, 0},
    {"truncated_before_field_22", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0", std::nullopt, 0},
    {"field_22_not_a_number", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -5 0", std::nullopt, 0},
    {"field_22_with_junk", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5x 0", std::nullopt, 0},
    {"double_space", "7 (x) S  1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0", std::nullopt, 0},
};

TEST(RegistryProcessTest, ParsesProcPidStat) {
    for (const StatCase& c : kStatCases) {
        SCOPED_TRACE(c.name);
        const std::optional<registry::ProcStat> stat = registry::parse_proc_pid_stat(c.text);
        ASSERT_EQ(stat.has_value(), c.state.has_value());
        if (stat) {
            EXPECT_EQ(stat->state, *c.state);
            EXPECT_EQ(stat->start_ticks, c.start_ticks);
        }
    }
}

TEST(RegistryProcessTest, ParsesBtime) {
    EXPECT_EQ(registry::parse_proc_btime("cpu  1 2 3\nintr 5 6\nctxt 9\nbtime 1735946000\nprocesses 7\n"),
              1735946000);
    EXPECT_EQ(registry::parse_proc_btime("btime 1\n"), 1);
    EXPECT_EQ(registry::parse_proc_btime("btime 1"), 1);
    EXPECT_EQ(registry::parse_proc_btime("cpu 1\nprocesses 7\n"), std::nullopt);
    EXPECT_EQ(registry::parse_proc_btime("btime x\n"), std::nullopt);
    EXPECT_EQ(registry::parse_proc_btime("btime 12 3\n"), std::nullopt);
    EXPECT_EQ(registry::parse_proc_btime("xbtime 12\n"), std::nullopt);
    EXPECT_EQ(registry::parse_proc_btime(""), std::nullopt);
}

// A child that stays alive until its end of the pipe closes.
struct Child {
    pid_t pid = -1;
    int release_fd = -1;
};

Child start_waiting_child() {
    int fds[2];
    if (::pipe(fds) != 0) return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[1]);
        char byte;
        while (::read(fds[0], &byte, 1) > 0) {
        }
        ::_exit(0);
    }
    ::close(fds[0]);
    return {pid, fds[1]};
}

void finish_child(const Child& child) {
    ::close(child.release_fd);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
}

using support::reaped_pid;

TEST(RegistryProcessTest, PidExists) {
    EXPECT_TRUE(registry::pid_exists(::getpid()));
    EXPECT_TRUE(registry::pid_exists(1));  // not ours: kill fails with EPERM, which still means it exists
    EXPECT_FALSE(registry::pid_exists(reaped_pid()));
    // 0 and negative pids would signal process groups; above INT32_MAX is no pid_t.
    for (int64_t pid : {int64_t{0}, int64_t{-1}, -int64_t{::getpid()}, int64_t{1} << 31}) EXPECT_FALSE(registry::pid_exists(pid)) << pid;
}

TEST(RegistryProcessTest, StartTimeOfRunningProcesses) {
    const std::optional<int64_t> own = registry::process_start_ms(::getpid());
    ASSERT_TRUE(own.has_value());
    EXPECT_LE(*own, base::wall_ms() + registry::kStartSlackMs);
    EXPECT_GT(*own, 1'577'836'800'000);  // after 2020-01-01
    const Child child = start_waiting_child();
    ASSERT_GT(child.pid, 0);
    const std::optional<int64_t> child_start = registry::process_start_ms(child.pid);
    finish_child(child);
    ASSERT_TRUE(child_start.has_value());
    EXPECT_GE(*child_start, *own);
}

TEST(RegistryProcessTest, NoStartTimeWithoutAProcess) {
    EXPECT_EQ(registry::process_start_ms(reaped_pid()), std::nullopt);
    EXPECT_EQ(registry::process_start_ms(0), std::nullopt);
    EXPECT_EQ(registry::process_start_ms(-1), std::nullopt);
    EXPECT_EQ(registry::process_start_ms(int64_t{1} << 40), std::nullopt);
}

Value entry_with(Value pid, Value started_at) {
    Value entry = Value::object({{"id", Value::string("server-1-abcdef")}, {"port", Value::number(3100)}});
    if (!pid.is_null()) entry.set("pid", std::move(pid));
    if (!started_at.is_null()) entry.set("startedAt", std::move(started_at));
    return entry;
}

Value at(int64_t unix_ms) { return Value::string(base::format_iso8601_ms(unix_ms)); }

TEST(RegistryProcessTest, EntryOfThisProcessIsLiveUnlessItPredatesUs) {
    const int64_t own_start = *registry::process_start_ms(::getpid());
    const Value own_pid = Value::number(::getpid());
    EXPECT_TRUE(registry::entry_is_live(entry_with(own_pid, at(base::wall_ms()))));
    EXPECT_TRUE(registry::entry_is_live(entry_with(own_pid, at(own_start))));
    // Written before this process existed: the pid was reused.
    EXPECT_FALSE(registry::entry_is_live(entry_with(own_pid, Value::string("2000-01-01T00:00:00.000Z"))));
    // btime may move by a second between reads (clock slewing): keep clear of the edge.
    EXPECT_FALSE(registry::entry_is_live(entry_with(own_pid, at(own_start - 3 * registry::kStartSlackMs))));
}

TEST(RegistryProcessTest, EntryWithoutUsablePidOrTimeIsNotLive) {
    const Value now = at(base::wall_ms());
    const struct {
        const char* name;
        Value entry;
    } kCases[] = {
        {"not_an_object", Value::array({Value::number(::getpid())})},
        {"no_pid", entry_with(Value(), now)},
        {"pid_string", entry_with(Value::string(std::to_string(::getpid())), now)},
        {"pid_zero", entry_with(Value::number(0), now)},
        {"pid_minus_one", entry_with(Value::number(-1), now)},
        {"pid_fraction", entry_with(Value::number_text(std::to_string(::getpid()) + ".5"), now)},
        {"pid_beyond_int32", entry_with(Value::number((int64_t{1} << 32) | ::getpid()), now)},
        {"pid_gone", entry_with(Value::number(reaped_pid()), now)},
        {"no_started_at", entry_with(Value::number(::getpid()), Value())},
        {"started_at_garbage", entry_with(Value::number(::getpid()), Value::string("yesterday"))},
        {"started_at_number", entry_with(Value::number(::getpid()), Value::number(base::wall_ms()))},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.name);
        EXPECT_FALSE(registry::entry_is_live(c.entry));
    }
}

TEST(RegistryProcessTest, ZombieIsNotLive) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ASSERT_GT(pid, 0);
    // Wait until it has exited but leave it unreaped: a zombie.
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    const std::optional<registry::ProcessInfo> zombie = registry::inspect_process(pid);
    EXPECT_FALSE(registry::entry_is_live(entry_with(Value::number(pid), at(base::wall_ms()))));
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(zombie.has_value());
    EXPECT_TRUE(zombie->zombie);
}

TEST(RegistryProcessTest, LiveChildIsLive) {
    const int64_t before = base::wall_ms();
    const Child child = start_waiting_child();
    ASSERT_GT(child.pid, 0);
    const bool live = registry::entry_is_live(entry_with(Value::number(child.pid), at(before)));
    const std::optional<registry::ProcessInfo> info = registry::inspect_process(child.pid);
    finish_child(child);
    EXPECT_TRUE(live);
    ASSERT_TRUE(info.has_value());
    EXPECT_FALSE(info->zombie);
}

TEST(RegistryProcessTest, InitIsLive) {
    // pid 1 exists everywhere; unprivileged, kill(1, 0) fails with EPERM, which still means "exists".
    EXPECT_TRUE(registry::entry_is_live(entry_with(Value::number(1), at(base::wall_ms()))));
}

}  // namespace
