#include "loop/event_loop.h"

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>

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

void EventLoop::retire(int fd, std::unique_ptr<Handler> handler) noexcept {
    forget(fd);
    retired_.push_back(std::move(handler));
}

void EventLoop::defer(std::function<void()> fn) { deferred_.push_back(std::move(fn)); }

TimerId EventLoop::every(int64_t interval_ms, std::function<void()> tick) {
    interval_ms = std::max<int64_t>(interval_ms, 1);
    timers_.push_back(Timer{++last_timer_, interval_ms, monotonic_ms() + interval_ms, std::move(tick)});
    return last_timer_;
}

void EventLoop::cancel(TimerId timer) noexcept {
    // Marked here, erased after the timers run: a tick may cancel any timer.
    for (Timer& t : timers_) {
        if (t.id != timer) continue;
        t.tick = nullptr;
        t.due_ms = INT64_MAX;
    }
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
    int64_t due = INT64_MAX;
    for (const Timer& t : timers_) due = std::min(due, t.due_ms);
    if (due == INT64_MAX) return -1;
    return static_cast<int>(std::clamp<int64_t>(due - monotonic_ms(), 0, 60'000));
}

bool EventLoop::timer_due() const noexcept {
    for (const Timer& t : timers_)
        if (t.tick && now_ms_ >= t.due_ms) return true;
    return false;
}

void EventLoop::run_due_timers() noexcept {
    // By index, on a copy of the tick: a tick may add or cancel timers.
    for (size_t i = 0; i < timers_.size(); ++i) {
        Timer& t = timers_[i];
        if (!t.tick || now_ms_ < t.due_ms) continue;
        // Skip missed ticks rather than firing a burst after a stall.
        t.due_ms = now_ms_ + t.interval_ms;
        std::function<void()> tick = t.tick;
        tick();
    }
    std::erase_if(timers_, [](const Timer& t) { return !t.tick; });
}

void EventLoop::dispatch(std::span<const Event> events) noexcept {
    for (const Event& event : events) {
        if (event.fd == signal_read_.get()) {
            dispatch_signals();
            continue;
        }
        Handler* handler = static_cast<size_t>(event.fd) < handlers_.size() ? handlers_[event.fd] : nullptr;
        if (handler) handler->on_event(event);
    }
}

void EventLoop::end_batch() noexcept {
    // Moved out first: a handler's destructor may retire another one.
    auto retired = std::move(retired_);
    retired_.clear();
    // Descriptors first, then the objects: out of descriptors (EMFILE), the
    // retired ones are the only ones to be had, and a destructor may need one
    // (the sanitizers' checks of a vtable open a pipe).
    for (auto& handler : retired)
        if (handler) handler->on_retired();
    retired.clear();
    auto deferred = std::move(deferred_);
    deferred_.clear();
    for (auto& fn : deferred) fn();
}

Status EventLoop::run() noexcept {
    while (!std::exchange(stop_requested_, false)) {
        auto ready = poller_.wait(next_timeout());
        if (!ready.ok()) return ready.error();
        now_ms_ = monotonic_ms();
        std::span<const Event> events = ready.value();
        if (events.empty() && timer_due()) {
            // The wait ended without events and a deadline may be judged: after
            // a stop and continue (SIGSTOP, SIGCONT: the wait fails with EINTR)
            // or a long stall, input may be waiting that arrived in time. It is
            // read first, so a client whose pong came is not timed out for it.
            ready = poller_.wait(0);
            if (!ready.ok()) return ready.error();
            events = ready.value();
        }
        dispatch(events);
        run_due_timers();
        end_batch();
    }
    return Ok{};
}

}  // namespace loop
