// kqueue backend of the Watcher (macOS, FreeBSD, OpenBSD, NetBSD): a kqueue
// of its own, whose fd the EventLoop watches (a kqueue is readable while it
// has events), holding EVFILT_VNODE on the folder's open fd (NOTE_WRITE: an
// entry was added, removed or renamed; NOTE_DELETE/NOTE_RENAME: the folder
// itself went) and EVFILT_PROC/NOTE_EXIT per watched pid. The folder's events
// do not name the entry, so they come as an entry event with name "".
// While the folder is missing, the parent's NOTE_WRITE says when to look again.
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "loop/watcher.h"

namespace loop {

namespace {
constexpr int kMaxEvents = 64;

// An open directory fd with a vnode filter on it; closing the fd removes the filter.
UniqueFd watch_vnode(int queue, const std::string& path, unsigned int notes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return fd;
    struct kevent change;
    EV_SET(&change, fd.get(), EVFILT_VNODE, EV_ADD | EV_CLEAR, notes, 0, 0);
    if (::kevent(queue, &change, 1, nullptr, 0, nullptr) != 0) fd.reset();
    return fd;
}
}  // namespace

bool Watcher::names_entries() noexcept { return false; }

Result<Watcher> Watcher::create(std::string folder) noexcept {
    UniqueFd queue(::kqueue());
    if (!queue) return sys_error("kqueue");
    Status cloexec = set_nonblocking_cloexec(queue.get());
    if (!cloexec.ok()) return cloexec.error();
    Watcher watcher(std::move(queue), std::move(folder));
    watcher.arm();
    return watcher;
}

void Watcher::disarm() noexcept {
    folder_open_.reset();
    parent_open_.reset();
    folder_fd_ = parent_fd_ = -1;
}

bool Watcher::arm() noexcept {
    // The new folder is opened before the old fd is closed, so the new fd
    // cannot take the old number and inherit its queued events.
    UniqueFd folder = watch_vnode(queue_.get(), folder_, NOTE_WRITE | NOTE_DELETE | NOTE_RENAME);
    if (!folder) {
        UniqueFd parent = watch_vnode(queue_.get(), parent_folder(folder_), NOTE_WRITE);
        folder = watch_vnode(queue_.get(), folder_, NOTE_WRITE | NOTE_DELETE | NOTE_RENAME);
        if (!folder) {
            disarm();
            parent_fd_ = parent.get();
            parent_open_ = std::move(parent);
            return false;
        }
    }
    disarm();
    folder_fd_ = folder.get();
    folder_open_ = std::move(folder);
    remember_folder();
    return true;
}

Result<std::span<const WatchEvent>> Watcher::read() noexcept {
    events_.clear();
    struct kevent ready[kMaxEvents];
    const timespec no_wait{0, 0};
    for (;;) {
        const int n = ::kevent(queue_.get(), nullptr, 0, ready, kMaxEvents, &no_wait);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return sys_error("kevent(watcher)");
        for (int i = 0; i < n; ++i) {
            const struct kevent& event = ready[i];
            if (event.filter == EVFILT_PROC) {
                const auto pid = static_cast<int64_t>(event.ident);
                if (!(event.fflags & NOTE_EXIT) || find_pid(pid) == nullptr) continue;
                events_.push_back(WatchEvent{WatchEvent::Kind::exit, {}, pid});
                drop_pid(pid);  // EV_ONESHOT: the kernel dropped the filter already
            } else if (event.filter == EVFILT_VNODE) {
                const auto fd = static_cast<int>(event.ident);
                if (fd == folder_fd_ && folder_fd_ >= 0) {
                    if (event.fflags & (NOTE_DELETE | NOTE_RENAME)) {
                        add_rescan();
                        arm();
                    } else {
                        add_entry(std::string());
                    }
                } else if (fd == parent_fd_ && parent_fd_ >= 0) {
                    if (arm()) add_rescan();
                }
            }
        }
        if (n < kMaxEvents) break;
    }
    return std::span<const WatchEvent>(events_);
}

Result<ExitWatch> Watcher::watch_exit(int64_t pid) noexcept {
    if (pid <= 0 || pid > INT32_MAX) return Error{"watch_exit: pid " + std::to_string(pid) + " out of range"};
    if (find_pid(pid) != nullptr) return ExitWatch::watching;
    struct kevent change;
    EV_SET(&change, static_cast<uintptr_t>(pid), EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, 0);
    if (::kevent(queue_.get(), &change, 1, nullptr, 0, nullptr) != 0) {
        if (errno == ESRCH) return ExitWatch::gone;  // also a zombie: it no longer runs
        return sys_error("kevent(EVFILT_PROC, pid " + std::to_string(pid) + ")");
    }
    pids_.push_back(Pid{pid, UniqueFd()});
    return ExitWatch::watching;
}

void Watcher::forget_exit(int64_t pid) noexcept {
    if (find_pid(pid) == nullptr) return;
    struct kevent change;
    EV_SET(&change, static_cast<uintptr_t>(pid), EVFILT_PROC, EV_DELETE, 0, 0, 0);
    (void)::kevent(queue_.get(), &change, 1, nullptr, 0, nullptr);  // ENOENT if it fired meanwhile
    drop_pid(pid);
}

}  // namespace loop
