// Is the process behind a registry entry still the server that wrote it?
// A pid alone is not enough: pids are reused, so an entry is live only while
// its pid exists, is not a zombie, and did not start after the entry's
// startedAt. The kernel-specific part is inspect_process(), defined by
// process_linux.cpp (/proc) or process_bsd.cpp (sysctl); the rest is shared
// (process.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "json/value.h"

namespace registry {

// Start times from /proc have a 1 s resolution (btime in /proc/stat) and
// both sides read the same wall clock, so a process that started up to this
// long after startedAt still counts as the one that wrote the entry.
inline constexpr int64_t kStartSlackMs = 1000;

struct ProcessInfo {
    bool zombie = false;              // exited, not yet reaped: no longer serving
    std::optional<int64_t> start_ms;  // unix ms; nullopt when the system will not tell us
};

// kill(pid, 0) succeeds or fails only with EPERM (it exists, owned by someone
// else). False for pids outside 1..INT32_MAX: kill(0, ...) and kill(-n, ...)
// address process groups and are never sent.
bool pid_exists(int64_t pid);

// nullopt: no such process (kill(pid, 0) gives ESRCH, or it vanished while
// we looked). pid must be > 0.
std::optional<ProcessInfo> inspect_process(int64_t pid);

// Unix ms the process started, nullopt if no such process (or if its start
// time cannot be read).
std::optional<int64_t> process_start_ms(int64_t pid);

// The entry has a usable pid (an integer in 1..INT32_MAX) and a startedAt
// that base::parse_iso8601_ms accepts, the pid exists (kill(pid, 0) == 0 or EPERM),
// is not a zombie, and did not start later than startedAt + kStartSlackMs.
// Anything else is not live: a crashed server's entry is never shown.
bool entry_is_live(const json::Value& entry);

// The parts of /proc that process_linux.cpp reads, kept pure (and so
// testable on every platform).
struct ProcStat {
    char state = '?';          // field 3: R, S, D, Z (zombie), X (dead), ...
    uint64_t start_ticks = 0;  // field 22: clock ticks after boot
};
// The one line of /proc/<pid>/stat. Field 2 (comm) is in parentheses and may
// itself hold spaces and ')', so fields are counted after the last ')'.
std::optional<ProcStat> parse_proc_pid_stat(std::string_view text);
// /proc/stat: the "btime <seconds>" line, boot time in unix seconds.
std::optional<int64_t> parse_proc_btime(std::string_view text);

}  // namespace registry
