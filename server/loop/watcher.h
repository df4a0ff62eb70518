// Change detection for the event loop: one folder (the registry's) and the
// exits of some processes, behind one non-blocking fd that the EventLoop
// watches for kReadable like a socket. Exactly one of watcher_inotify.cpp
// (Linux: inotify, pidfd_open) and watcher_kqueue.cpp (BSD, macOS:
// EVFILT_VNODE, EVFILT_PROC) is compiled; the Makefile picks. No threads,
// nothing blocks: read() takes what the kernel has queued and returns.
//
// What each backend can tell:
// - A folder entry created, written and closed, removed or renamed in or out:
//   inotify names the entry; kqueue only says "the folder changed" (name ""),
//   and does not see a file rewritten in place (writers of the registry rename).
// - The folder itself renamed, removed or replaced: a `rescan` event; the
//   watch follows the path, not the old folder: it re-arms on the folder
//   that has the path now, or on the parent until the path exists again.
//   Lost events (inotify's queue overflowed) are a `rescan` too.
// - A process's exit, once per watch_exit(); the watch is gone afterwards.
//   Where the kernel cannot watch a process (Linux before 5.3), watch_exit()
//   says `unsupported` and the caller relies on its periodic rescan.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace loop {

struct WatchEvent {
    enum class Kind : uint8_t {
        entry,   // something in the folder changed; `name` says what, "" if the kernel does not say
        rescan,  // the folder was moved, removed or re-armed, or events were lost: read it whole
        exit,    // process `pid` ended (or is a zombie)
    };
    Kind kind;
    std::string name;  // entry: the entry's name inside the folder
    int64_t pid = 0;   // exit
};

enum class ExitWatch : uint8_t {
    watching,     // an exit event will come, exactly once
    gone,         // no such process now: treat it as exited (no event will come)
    unsupported,  // this kernel cannot watch processes: rely on the rescan
};

class Watcher {
public:
    // Watches `folder` (a directory path). A folder that does not exist yet is
    // not an error: the parent is watched until it appears (armed() false).
    static Result<Watcher> create(std::string folder) noexcept;

    // inotify: true; kqueue: false, entry events come with name "".
    static bool names_entries() noexcept;

    int fd() const noexcept { return queue_.get(); }  // watch for kReadable
    bool armed() const noexcept { return folder_fd_ >= 0; }  // the folder itself is watched

    // Watching the same pid twice is one watch. Errors: pid out of range,
    // out of descriptors.
    Result<ExitWatch> watch_exit(int64_t pid) noexcept;
    void forget_exit(int64_t pid) noexcept;  // no event for it after this
    size_t exits_watched() const noexcept { return pids_.size(); }

    // The events queued since the last read(), valid until the next one. One
    // `entry` event per name per read (a create and a close of one file are
    // one event); a name that changes again later comes again.
    Result<std::span<const WatchEvent>> read() noexcept;

    // For the periodic rescan: if the path no longer leads to the folder being
    // watched (replaced behind our back), re-arm. True if it re-armed or the
    // watch was lost, i.e. the caller should read the folder whole.
    bool recheck() noexcept;

    Watcher(Watcher&&) noexcept = default;
    Watcher& operator=(Watcher&&) noexcept = default;
    ~Watcher() = default;

private:
    struct Pid {
        int64_t pid;
        UniqueFd fd;  // Linux: the pidfd; kqueue: unused
    };
    Watcher(UniqueFd queue, std::string folder) noexcept : queue_(std::move(queue)), folder_(std::move(folder)) {}
    bool arm() noexcept;  // true if the folder itself is watched now
    void disarm() noexcept;
    void add_entry(std::string name) noexcept;
    void add_rescan() noexcept;
    void remember_folder() noexcept;  // the device and inode the path leads to now
    Pid* find_pid(int64_t pid) noexcept;
    void drop_pid(int64_t pid) noexcept;

    UniqueFd queue_;       // Linux: an epoll fd over inotify and the pidfds; kqueue: the kqueue
    std::string folder_;   // as given
    UniqueFd inotify_;     // Linux only
    int folder_fd_ = -1;   // inotify: the folder's watch descriptor; kqueue: the folder's open fd
    int parent_fd_ = -1;   // the same for the parent, while the folder is missing
    UniqueFd folder_open_, parent_open_;  // kqueue: own the fds above
    uint64_t folder_device_ = 0, folder_inode_ = 0;  // of the folder armed on
    std::vector<Pid> pids_;
    std::vector<WatchEvent> events_;
};

// "/a/b" -> "/a", "b" -> ".", "/b" -> "/", trailing slashes ignored.
std::string parent_folder(const std::string& path);
// "/a/b/" -> "b".
std::string last_component(const std::string& path);

}  // namespace loop
