// macOS and FreeBSD: sysctl {CTL_KERN, KERN_PROC, KERN_PROC_PID, pid} fills
// a kinfo_proc holding the start time (a timeval, microseconds) and the run
// state. The struct's layout differs, hence the one #if below. Other BSDs
// (OpenBSD, NetBSD use other structs) fall back to kill(pid, 0) alone: no
// pid-reuse check, no zombie check there.
#include <sys/types.h>
#include <sys/sysctl.h>
#if defined(__FreeBSD__)
#include <sys/user.h>
#endif
#if defined(__APPLE__) || defined(__FreeBSD__)
#include <sys/proc.h>
#endif

#include <cerrno>
#include <cstdint>

#include "registry/process.h"

namespace registry {

std::optional<ProcessInfo> inspect_process(int64_t pid) {
    if (!pid_exists(pid)) return std::nullopt;
    ProcessInfo info;
#if defined(__APPLE__) || defined(__FreeBSD__)
    int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, static_cast<int>(pid)};
    struct kinfo_proc process {};
    size_t length = sizeof process;
    if (::sysctl(mib, 4, &process, &length, nullptr, 0) != 0) {
        // FreeBSD answers ESRCH for a pid that is gone; anything else: we cannot tell more.
        return errno == ESRCH ? std::nullopt : std::optional<ProcessInfo>(info);
    }
    if (length == 0) return std::nullopt;  // macOS: no such process
#if defined(__APPLE__)
    const struct timeval started = process.kp_proc.p_starttime;
    info.zombie = process.kp_proc.p_stat == SZOMB;
#else
    const struct timeval started = process.ki_start;
    info.zombie = process.ki_stat == SZOMB;
#endif
    info.start_ms = static_cast<int64_t>(started.tv_sec) * 1000 + static_cast<int64_t>(started.tv_usec) / 1000;
#endif
    return info;
}

}  // namespace registry
