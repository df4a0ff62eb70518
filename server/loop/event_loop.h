// Single-threaded event loop: readiness from the Poller, a few periodic
// timers, and signals turned into ordinary events through a self-pipe, so a
// SIGTERM handler never runs our code in signal context.
//
// Closing is deferred here, in one place, for everyone who shares the loop: a
// handler retired during a batch stops getting events at once but lives (and
// keeps its fd, so the number cannot be reused) until the batch ends. Timers
// are cancelled by the handle every() returns, so none outlives what it
// captured.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/unique_fd.h"
#include "loop/poller.h"

namespace loop {

class Handler {
public:
    virtual ~Handler() = default;
    virtual void on_event(const Event& event) noexcept = 0;
    // Called on a retired handler when the batch ends, just before it is
    // destroyed: the moment to close its descriptors.
    virtual void on_retired() noexcept {}
};

using TimerId = uint64_t;  // 0 is never a timer

class EventLoop {
public:
    static Result<EventLoop> create() noexcept;

    // Registers `handler` for `fd` (or changes its interest). The handler must
    // stay alive until forget(fd); events after forget() in the same batch are dropped.
    Status watch(int fd, uint8_t interest, Handler* handler) noexcept;
    void forget(int fd) noexcept;

    // Stops watching `fd` now and destroys `handler` (which owns fd) when the
    // current batch of events ends.
    void retire(int fd, std::unique_ptr<Handler> handler) noexcept;
    // Calls `fn` once, when the current batch of events ends.
    void defer(std::function<void()> fn);

    // Calls `tick` every `interval_ms` (measured on the monotonic clock) until cancel().
    TimerId every(int64_t interval_ms, std::function<void()> tick);
    // The timer never fires again, even if it is due in this same wake-up. Any
    // id, even one already cancelled, may be passed.
    void cancel(TimerId timer) noexcept;
    // Calls `on_signal(signo)` from the loop after SIGINT/SIGTERM/... arrives.
    Status on_signal(int signo, std::function<void(int)> on_signal);

    int64_t now_ms() const noexcept { return now_ms_; }  // monotonic, updated per wake-up
    // Until stop(). A stop() made before run() (a callback that finished
    // the work before the loop started) is kept: run() then returns at once.
    Status run() noexcept;
    void stop() noexcept { stop_requested_ = true; }

private:
    EventLoop(Poller poller, UniqueFd signal_read, UniqueFd signal_write);
    void dispatch(std::span<const Event> events) noexcept;
    void dispatch_signals() noexcept;
    int next_timeout() const noexcept;
    bool timer_due() const noexcept;
    void run_due_timers() noexcept;
    void end_batch() noexcept;

    struct Timer {
        TimerId id;
        int64_t interval_ms;
        int64_t due_ms;
        std::function<void()> tick;  // empty once cancelled
    };
    Poller poller_;
    UniqueFd signal_read_, signal_write_;
    std::vector<Handler*> handlers_;  // indexed by fd
    std::vector<Timer> timers_;
    std::vector<std::pair<int, std::function<void(int)>>> signal_handlers_;
    std::vector<std::unique_ptr<Handler>> retired_;  // destroyed when the batch ends
    std::vector<std::function<void()>> deferred_;   // called when the batch ends
    TimerId last_timer_ = 0;
    int64_t now_ms_ = 0;
    bool stop_requested_ = false;
};

using base::monotonic_ms;  // the loop's clock (base/clock.h)

}  // namespace loop
