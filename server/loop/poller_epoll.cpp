// epoll backend, level-triggered. EPOLLERR/EPOLLHUP are reported as readable
// with hangup set, so the owner's read path meets the EOF or the error itself.
#include <sys/epoll.h>

#include <string>

#include "loop/poller.h"

namespace loop {

namespace {
constexpr int kMaxEvents = 256;

uint32_t to_epoll(uint8_t interest) {
    return ((interest & kReadable) ? EPOLLIN : 0u) | ((interest & kWritable) ? EPOLLOUT : 0u);
}
}  // namespace

Result<Poller> Poller::create() noexcept {
    UniqueFd fd(::epoll_create1(EPOLL_CLOEXEC));
    if (!fd) return sys_error("epoll_create1");
    return Poller(std::move(fd));
}

Status Poller::watch(int fd, uint8_t interest) noexcept {
    if (fd < 0) return Error{"epoll_ctl: negative fd"};
    if (static_cast<size_t>(fd) >= interest_.size()) interest_.resize(fd + 1, 0);
    uint8_t old = interest_[fd];
    if (old == interest) return Ok{};
    epoll_event ev{};
    ev.events = to_epoll(interest);
    ev.data.fd = fd;
    int op = old == 0 ? EPOLL_CTL_ADD : interest == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (::epoll_ctl(fd_.get(), op, fd, &ev) != 0) {
        // A failed DEL (the fd is already closed) still means "not watched":
        // a later fd with this number must be ADDed, not MODed.
        if (op == EPOLL_CTL_DEL) interest_[fd] = 0;
        const char* name = op == EPOLL_CTL_ADD ? "ADD" : op == EPOLL_CTL_DEL ? "DEL" : "MOD";
        return sys_error("epoll_ctl(" + std::string(name) + ", fd " + std::to_string(fd) + ")");
    }
    interest_[fd] = interest;
    return Ok{};
}

Result<std::span<const Event>> Poller::wait(int timeout_ms) noexcept {
    epoll_event events[kMaxEvents];
    int n = ::epoll_wait(fd_.get(), events, kMaxEvents, timeout_ms);
    ready_.clear();
    if (n < 0) {
        if (errno == EINTR) return std::span<const Event>();
        return sys_error("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        uint32_t e = events[i].events;
        bool hangup = (e & (EPOLLERR | EPOLLHUP)) != 0;
        uint8_t ready = ((e & EPOLLIN) || hangup ? kReadable : 0) | ((e & EPOLLOUT) ? kWritable : 0);
        ready_.push_back(Event{events[i].data.fd, ready, hangup});
    }
    return std::span<const Event>(ready_);
}

}  // namespace loop
