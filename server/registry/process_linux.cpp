// Linux: a process's start time is field 22 of /proc/<pid>/stat, in clock
// ticks after boot; boot time is the btime line of /proc/stat, in whole unix
// seconds (hence kStartSlackMs). Both follow the wall clock as it is now.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "base/unique_fd.h"
#include "registry/process.h"

namespace registry {
namespace {

// The whole of a small /proc file (they report size 0, so read to EOF).
std::optional<std::string> read_proc_file(const std::string& path, size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return std::nullopt;
        if (got == 0) return text;
        text.append(buffer, static_cast<size_t>(got));
        if (text.size() > max_bytes) return std::nullopt;
    }
}

}  // namespace

std::optional<ProcessInfo> inspect_process(int64_t pid) {
    if (!pid_exists(pid)) return std::nullopt;
    ProcessInfo info;
    const std::optional<std::string> stat_line = read_proc_file("/proc/" + std::to_string(pid) + "/stat", 64 * 1024);
    const std::optional<ProcStat> stat = stat_line ? parse_proc_pid_stat(*stat_line) : std::nullopt;
    if (!stat) {
        // Gone in between, or /proc is hidden from us (hidepid): kill tells which.
        if (!pid_exists(pid)) return std::nullopt;
        return info;
    }
    info.zombie = stat->state == 'Z' || stat->state == 'X' || stat->state == 'x';
    const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
    const std::optional<std::string> proc_stat = read_proc_file("/proc/stat", 16 * 1024 * 1024);
    const std::optional<int64_t> boot_seconds = proc_stat ? parse_proc_btime(*proc_stat) : std::nullopt;
    if (ticks_per_second > 0 && boot_seconds) {
        const auto ticks = static_cast<int64_t>(stat->start_ticks);
        const int64_t after_boot_ms =
            ticks / ticks_per_second * 1000 + ticks % ticks_per_second * 1000 / ticks_per_second;
        info.start_ms = *boot_seconds * 1000 + after_boot_ms;
    }
    return info;
}

}  // namespace registry
