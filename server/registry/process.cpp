#include "registry/process.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <limits>

#include "base/ascii.h"
#include "base/civil_time.h"

namespace registry {
namespace {

// Unsigned decimal at `pos`, advancing it; nullopt if there is none or it overflows.
std::optional<uint64_t> read_unsigned(std::string_view text, size_t& pos) {
    const size_t start = pos;
    uint64_t value = 0;
    for (; pos < text.size() && base::is_digit(text[pos]); ++pos) {
        const auto digit = static_cast<uint64_t>(text[pos] - '0');
        if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    if (pos == start) return std::nullopt;
    return value;
}

}  // namespace

bool pid_exists(int64_t pid) {
    if (pid <= 0 || pid > std::numeric_limits<int32_t>::max()) return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::optional<int64_t> process_start_ms(int64_t pid) {
    if (pid <= 0) return std::nullopt;
    const std::optional<ProcessInfo> info = inspect_process(pid);
    return info ? info->start_ms : std::nullopt;
}

bool entry_is_live(const json::Value& entry) {
    const json::Value* pid_value = entry.find("pid");
    const std::optional<int64_t> pid = pid_value ? pid_value->as_int() : std::nullopt;
    // kill(0, ...) and kill(-n, ...) address process groups: never probe those.
    if (!pid || *pid < 1 || *pid > std::numeric_limits<int32_t>::max()) return false;
    const json::Value* started_value = entry.find("startedAt");
    const std::optional<int64_t> started = started_value ? base::parse_iso8601_ms(started_value->as_string()) : std::nullopt;
    if (!started) return false;
    const std::optional<ProcessInfo> info = inspect_process(*pid);
    if (!info || info->zombie) return false;
    // Unknown start time (e.g. /proc hidden): the pid exists, which is all we can tell.
    return !info->start_ms || *info->start_ms <= *started + kStartSlackMs;
}

std::optional<ProcStat> parse_proc_pid_stat(std::string_view text) {
    const size_t close = text.rfind(')');
    if (close == std::string_view::npos || text.find('(') > close) return std::nullopt;
    // After ") " come field 3 (state), then fields 4..; field 22 is the start time.
    size_t pos = close + 1;
    if (pos + 2 > text.size() || text[pos] != ' ') return std::nullopt;
    ProcStat stat;
    stat.state = text[pos + 1];
    pos += 2;
    for (int field = 4; field <= 22; ++field) {
        if (pos >= text.size() || text[pos] != ' ') return std::nullopt;
        ++pos;
        if (field < 22) {
            // Fields 4..21 may be negative (e.g. tty_nr, priority); skip them as text.
            const size_t next = text.find(' ', pos);
            if (next == pos || next == std::string_view::npos) return std::nullopt;
            pos = next;
            continue;
        }
        const std::optional<uint64_t> ticks = read_unsigned(text, pos);
        if (!ticks) return std::nullopt;
        stat.start_ticks = *ticks;
    }
    if (pos < text.size() && text[pos] != ' ' && text[pos] != '\n') return std::nullopt;
    return stat;
}

std::optional<int64_t> parse_proc_btime(std::string_view text) {
    size_t line = 0;
    while (line < text.size()) {
        const size_t end = std::min(text.find('\n', line), text.size());
        const std::string_view current = text.substr(line, end - line);
        if (current.substr(0, 6) == "btime ") {
            size_t pos = 6;
            const std::optional<uint64_t> seconds = read_unsigned(current, pos);
            if (!seconds || pos != current.size() || *seconds > uint64_t{1} << 40) return std::nullopt;
            return static_cast<int64_t>(*seconds);
        }
        line = end + 1;
    }
    return std::nullopt;
}

}  // namespace registry
