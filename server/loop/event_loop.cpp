#include "loop/event_loop.h"

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <string>

namespace loop {

namespace {

// The write end of the self-pipe, for the async-signal-safe handler.
int g_signal_pipe = -1;

void on_raw_signal(int signo) {
    int saved = errno;
    unsigned char byte = static_cast<unsigned char>(signo);
    [[maybe_unused]] ssize_t n = ::write(g_signal_pipe, &byte, 1);
    errno = saved;
}

}  // namespace

EventLoop::EventLoop(Poller poller, UniqueFd signal_read, UniqueFd signal_write)
    : poller_(std::move(poller)),
      signal_read_(std::move(signal_read)),
      signal_write_(std::move(signal_write)),
      now_ms_(monotonic_ms()) {}

Result<EventLoop> EventLoop::create() noexcept {
    auto poller = Poller::create();
    if (!poller.ok()) return poller.error();
    int fds[2];
    if (::pipe(fds) != 0) return sys_error("pipe");
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    for (int fd : fds) {
        Status st = set_nonblocking_cloexec(fd);
        if (!st.ok()) return st.error();
    }
    Status st = poller.value().watch(read_end.get(), kReadable);
    if (!st.ok()) return st.error();
    return EventLoop(std::move(poller.value()), std::move(read_end), std::move(write_end));
}

Status EventLoop::watch(int fd, uint8_t interest, Handler* handler) noexcept {
    Status st = poller_.watch(fd, interest);
    if (!st.ok()) return st;
    if (static_cast<size_t>(fd) >= handlers_.size()) handlers_.resize(fd + 1, nullptr);
    handlers_[fd] = handler;
    return Ok{};
}

void EventLoop::forget(int fd) noexcept {
    if (fd < 0 || static_cast<size_t>(fd) >= handlers_.size()) return;
    (void)poller_.watch(fd, 0);  // fails only if fd is already closed; nothing to undo then
    handlers_[fd] = nullptr;
}

void EventLoop::every(int64_t interval_ms, std::function<void()> tick) {
    interval_ms = std::max<int64_t>(interval_ms, 1);
    timers_.push_back(Timer{interval_ms, monotonic_ms() + interval_ms, std::move(tick)});
}

Status EventLoop::on_signal(int signo, std::function<void(int)> on_signal) {
    g_signal_pipe = signal_write_.get();
    struct sigaction sa {};
    sa.sa_handler = on_raw_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (::sigaction(signo, &sa, nullptr) != 0) return sys_error("sigaction(" + std::to_string(signo) + ")");
    signal_handlers_.emplace_back(signo, std::move(on_signal));
    return Ok{};
}

void EventLoop::dispatch_signals() noexcept {
    unsigned char signals[64];
    ssize_t n;
    while ((n = ::read(signal_read_.get(), signals, sizeof signals)) > 0) {
        for (ssize_t i = 0; i < n; ++i)
            for (auto& [signo, fn] : signal_handlers_)
                if (signo == signals[i]) fn(signo);
    }
}

int EventLoop::next_timeout() const noexcept {
    if (timers_.empty()) return -1;
    int64_t due = timers_.front().due_ms;
    for (const Timer& t : timers_) due = std::min(due, t.due_ms);
    return static_cast<int>(std::clamp<int64_t>(due - monotonic_ms(), 0, 60'000));
}

void EventLoop::run_due_timers() noexcept {
    for (Timer& t : timers_) {
        if (now_ms_ < t.due_ms) continue;
        // Skip missed ticks rather than firing a burst after a stall.
        t.due_ms = now_ms_ + t.interval_ms;
        t.tick();
    }
}

Status EventLoop::run() noexcept {
    running_ = true;
    while (running_) {
        auto ready = poller_.wait(next_timeout());
        if (!ready.ok()) return ready.error();
        now_ms_ = monotonic_ms();
        for (const Event& event : ready.value()) {
            if (event.fd == signal_read_.get()) {
                dispatch_signals();
                continue;
            }
            Handler* handler = static_cast<size_t>(event.fd) < handlers_.size() ? handlers_[event.fd] : nullptr;
            if (handler) handler->on_event(event);
        }
        run_due_timers();
        if (after_batch_) after_batch_();
    }
    return Ok{};
}

}  // namespace loop
