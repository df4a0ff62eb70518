// A timer that fires once, on the loop, unless cancelled first; cancelled
// when it is destroyed, so its callback never outlives what it captured.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "loop/event_loop.h"

namespace app {

class OneShot {
public:
    explicit OneShot(loop::EventLoop& loop) : loop_(loop) {}
    ~OneShot() { cancel(); }
    OneShot(const OneShot&) = delete;
    OneShot& operator=(const OneShot&) = delete;

    // Replaces what was armed: `fn` runs once after `delay_ms` (0: at the
    // loop's next turn, about 1 ms).
    void arm(int64_t delay_ms, std::function<void()> fn) {
        cancel();
        fn_ = std::move(fn);
        timer_ = loop_.every(delay_ms, [this] {
            cancel();  // before the call: fn may arm again
            auto call = std::move(fn_);
            fn_ = nullptr;
            if (call) call();
        });
    }
    void cancel() noexcept {
        if (timer_ != 0) loop_.cancel(std::exchange(timer_, 0));
    }
    bool armed() const noexcept { return timer_ != 0; }

private:
    loop::EventLoop& loop_;
    loop::TimerId timer_ = 0;
    std::function<void()> fn_;
};

}  // namespace app
