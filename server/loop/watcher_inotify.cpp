// Linux backend of the Watcher: inotify on the folder (and on its parent
// while the folder is missing) and one pidfd per watched process, all in an
// epoll set of their own whose fd is what the EventLoop watches (an epoll fd
// is readable while any of its members is). Level-triggered: what read()
// leaves, the next wake-up finds.
//
// The folder mask adds IN_MOVED_FROM to the entry events (a registry file
// renamed away is a removal) and IN_MOVE_SELF/IN_DELETE_SELF, on which the
// watch is re-armed on whatever the path leads to now. pidfd_open(2) came in
// Linux 5.3; it is called through syscall() because older C libraries lack
// the wrapper, and ENOSYS means "unsupported". A pidfd is readable from the
// moment its process exits, reaped or not.
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "loop/watcher.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // the same number on every architecture
#endif

namespace loop {

namespace {
constexpr uint32_t kFolderMask =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_MOVE_SELF | IN_DELETE_SELF | IN_ONLYDIR;
constexpr uint32_t kParentMask = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR;
constexpr uint64_t kInotifyTag = 0;  // epoll data of the inotify fd; pidfds carry their pid (> 0)
constexpr int kMaxEvents = 64;

Status add_to_epoll(int epoll_fd, int fd, uint64_t tag) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) return sys_error("epoll_ctl(ADD, fd " + std::to_string(fd) + ")");
    return Ok{};
}
}  // namespace

bool Watcher::names_entries() noexcept { return true; }

Result<Watcher> Watcher::create(std::string folder) noexcept {
    UniqueFd queue(::epoll_create1(EPOLL_CLOEXEC));
    if (!queue) return sys_error("epoll_create1");
    UniqueFd inotify(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify) return sys_error("inotify_init1");
    Status added = add_to_epoll(queue.get(), inotify.get(), kInotifyTag);
    if (!added.ok()) return added.error();
    Watcher watcher(std::move(queue), std::move(folder));
    watcher.inotify_ = std::move(inotify);
    watcher.arm();
    return watcher;
}

void Watcher::disarm() noexcept {
    // Fails (EINVAL) when the kernel already dropped the watch; nothing to undo then.
    if (folder_fd_ >= 0) (void)::inotify_rm_watch(inotify_.get(), folder_fd_);
    if (parent_fd_ >= 0) (void)::inotify_rm_watch(inotify_.get(), parent_fd_);
    folder_fd_ = parent_fd_ = -1;
}

bool Watcher::arm() noexcept {
    disarm();
    folder_fd_ = ::inotify_add_watch(inotify_.get(), folder_.c_str(), kFolderMask);
    if (folder_fd_ < 0) {
        // Missing (or not yet a folder): wait for its name to appear in the
        // parent, then look once more in case it appeared in between.
        parent_fd_ = ::inotify_add_watch(inotify_.get(), parent_folder(folder_).c_str(), kParentMask);
        folder_fd_ = ::inotify_add_watch(inotify_.get(), folder_.c_str(), kFolderMask);
        if (folder_fd_ < 0) return false;
        (void)::inotify_rm_watch(inotify_.get(), parent_fd_);
        parent_fd_ = -1;
    }
    remember_folder();
    return true;
}

namespace {
// Events of one read() of the inotify fd, walked in place.
template <class Visit>
Status drain_inotify(int fd, Visit visit) {
    alignas(inotify_event) char buffer[16 * 1024];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Ok{};
        if (got <= 0) return sys_error("read(inotify)");
        for (ssize_t at = 0; at < got;) {
            inotify_event header;
            std::memcpy(&header, buffer + at, sizeof header);
            const char* name = buffer + at + sizeof header;
            visit(header, header.len > 0 ? std::string(name, ::strnlen(name, header.len)) : std::string());
            at += static_cast<ssize_t>(sizeof header + header.len);
        }
    }
}
}  // namespace

Result<std::span<const WatchEvent>> Watcher::read() noexcept {
    events_.clear();
    const std::string own_name = last_component(folder_);
    auto visit = [&](const inotify_event& event, std::string name) {
        if (event.mask & IN_Q_OVERFLOW) {
            add_rescan();
        } else if (event.wd == folder_fd_ && folder_fd_ >= 0) {
            if (event.mask & (IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED)) {
                // Later events of the old watch no longer match folder_fd_.
                add_rescan();
                arm();
            } else if (!name.empty()) {
                add_entry(std::move(name));
            }
        } else if (event.wd == parent_fd_ && parent_fd_ >= 0) {
            if (name == own_name && arm()) add_rescan();
        }
    };
    epoll_event ready[kMaxEvents];
    for (;;) {
        const int n = ::epoll_wait(queue_.get(), ready, kMaxEvents, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return sys_error("epoll_wait(watcher)");
        for (int i = 0; i < n; ++i) {
            if (ready[i].data.u64 == kInotifyTag) {
                Status drained = drain_inotify(inotify_.get(), visit);
                if (!drained.ok()) return drained.error();
            } else {
                const auto pid = static_cast<int64_t>(ready[i].data.u64);
                if (find_pid(pid) == nullptr) continue;  // forgotten in between
                events_.push_back(WatchEvent{WatchEvent::Kind::exit, {}, pid});
                drop_pid(pid);  // closing the pidfd takes it out of the epoll set
            }
        }
        if (n < kMaxEvents) break;
    }
    return std::span<const WatchEvent>(events_);
}

Result<ExitWatch> Watcher::watch_exit(int64_t pid) noexcept {
    if (pid <= 0 || pid > INT32_MAX) return Error{"watch_exit: pid " + std::to_string(pid) + " out of range"};
    if (find_pid(pid) != nullptr) return ExitWatch::watching;
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0)));
    if (!pidfd) {
        if (errno == ESRCH) return ExitWatch::gone;
        if (errno == ENOSYS) return ExitWatch::unsupported;
        return sys_error("pidfd_open(" + std::to_string(pid) + ")");
    }
    Status added = add_to_epoll(queue_.get(), pidfd.get(), static_cast<uint64_t>(pid));
    if (!added.ok()) return added.error();
    pids_.push_back(Pid{pid, std::move(pidfd)});
    return ExitWatch::watching;
}

void Watcher::forget_exit(int64_t pid) noexcept { drop_pid(pid); }

}  // namespace loop
