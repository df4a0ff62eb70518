// Single-threaded event loop: readiness from the Poller, a few periodic
// timers, and signals turned into ordinary events through a self-pipe, so a
// SIGTERM handler never runs our code in signal context.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "loop/poller.h"

namespace loop {

class Handler {
public:
    virtual void on_event(const Event& event) noexcept = 0;

protected:
    ~Handler() = default;
};

class EventLoop {
public:
    static Result<EventLoop> create() noexcept;

    // Registers `handler` for `fd` (or changes its interest). The handler must
    // stay alive until forget(fd); events after forget() in the same batch are dropped.
    Status watch(int fd, uint8_t interest, Handler* handler) noexcept;
    void forget(int fd) noexcept;

    // Calls `tick` every `interval_ms` (measured on the monotonic clock).
    void every(int64_t interval_ms, std::function<void()> tick);
    // Calls `on_signal(signo)` from the loop after SIGINT/SIGTERM/... arrives.
    Status on_signal(int signo, std::function<void(int)> on_signal);
    // Runs after every batch of events: where deferred closes happen.
    void after_batch(std::function<void()> hook) { after_batch_ = std::move(hook); }

    int64_t now_ms() const noexcept { return now_ms_; }  // monotonic, updated per wake-up
    Status run() noexcept;                                // until stop()
    void stop() noexcept { running_ = false; }

private:
    EventLoop(Poller poller, UniqueFd signal_read, UniqueFd signal_write);
    void dispatch_signals() noexcept;
    int next_timeout() const noexcept;
    void run_due_timers() noexcept;

    struct Timer {
        int64_t interval_ms;
        int64_t due_ms;
        std::function<void()> tick;
    };
    Poller poller_;
    UniqueFd signal_read_, signal_write_;
    std::vector<Handler*> handlers_;  // indexed by fd
    std::vector<Timer> timers_;
    std::vector<std::pair<int, std::function<void(int)>>> signal_handlers_;
    std::function<void()> after_batch_;
    int64_t now_ms_ = 0;
    bool running_ = false;
};

using base::monotonic_ms;  // the loop's clock (base/clock.h)

}  // namespace loop
