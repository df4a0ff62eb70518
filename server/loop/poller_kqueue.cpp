// kqueue backend (macOS, FreeBSD, OpenBSD, NetBSD). EVFILT_READ and
// EVFILT_WRITE are filter numbers, not bits (-1/-2 on macOS and FreeBSD, 0/1
// on NetBSD), so one kevent is sent per changed filter and wait() merges a
// read and a write kevent for the same fd into one Event, as epoll gives.
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

#include <string>

#include "loop/poller.h"

namespace loop {

namespace {
constexpr int kMaxEvents = 256;
}

Result<Poller> Poller::create() noexcept {
    UniqueFd fd(::kqueue());
    if (!fd) return sys_error("kqueue");
    return Poller(std::move(fd));
}

Status Poller::watch(int fd, uint8_t interest) noexcept {
    if (fd < 0) return Error{"kevent: negative fd"};
    if (static_cast<size_t>(fd) >= interest_.size()) interest_.resize(fd + 1, 0);
    uint8_t old = interest_[fd];
    struct kevent changes[2];
    int n = 0;
    if ((old ^ interest) & kReadable)
        EV_SET(&changes[n++], fd, EVFILT_READ, (interest & kReadable) ? EV_ADD : EV_DELETE, 0, 0, 0);
    if ((old ^ interest) & kWritable)
        EV_SET(&changes[n++], fd, EVFILT_WRITE, (interest & kWritable) ? EV_ADD : EV_DELETE, 0, 0, 0);
    if (n > 0 && ::kevent(fd_.get(), changes, n, nullptr, 0, nullptr) != 0) {
        if (interest == 0) interest_[fd] = 0;  // as epoll: a failed delete still means "not watched"
        return sys_error("kevent(fd " + std::to_string(fd) + ")");
    }
    interest_[fd] = interest;
    return Ok{};
}

Result<std::span<const Event>> Poller::wait(int timeout_ms) noexcept {
    struct kevent events[kMaxEvents];
    timespec timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
    int n = ::kevent(fd_.get(), nullptr, 0, events, kMaxEvents, timeout_ms < 0 ? nullptr : &timeout);
    ready_.clear();
    if (n < 0) {
        if (errno == EINTR) return std::span<const Event>();
        return sys_error("kevent(wait)");
    }
    for (int i = 0; i < n; ++i) {
        int fd = static_cast<int>(events[i].ident);
        bool hangup = (events[i].flags & (EV_EOF | EV_ERROR)) != 0;
        uint8_t ready = events[i].filter == EVFILT_WRITE ? kWritable : kReadable;
        if (hangup) ready |= kReadable;
        bool merged = false;
        for (Event& seen : ready_) {
            if (seen.fd == fd) {
                seen.ready |= ready;
                seen.hangup |= hangup;
                merged = true;
                break;
            }
        }
        if (!merged) ready_.push_back(Event{fd, ready, hangup});
    }
    return std::span<const Event>(ready_);
}

}  // namespace loop
