#include "loop/event_loop.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace {

struct Reader final : loop::Handler {
    void on_event(const loop::Event& event) noexcept override {
        char c;
        while (::read(event.fd, &c, 1) == 1) seen += c;
        if (seen.size() >= 3) loop->stop();
    }
    loop::EventLoop* loop = nullptr;
    std::string seen;
};

TEST(EventLoop, DispatchesToTheHandler) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    UniqueFd a(fds[0]), b(fds[1]);
    Reader reader;
    reader.loop = &loop.value();
    ASSERT_TRUE(loop.value().watch(a.get(), loop::kReadable, &reader).ok());
    ASSERT_EQ(::write(b.get(), "abc", 3), 3);
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(reader.seen, "abc");
}

TEST(EventLoop, TimerTicksUntilStopped) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int ticks = 0;
    loop.value().every(1, [&] {
        if (++ticks == 3) loop.value().stop();
    });
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(ticks, 3);
}

// peer-plan run stops its loop from a callback that can finish before the
// loop runs (the command exited at once); that stop used to be lost and run()
// waited for events that never came.
TEST(EventLoop, AStopBeforeRunIsKept) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    bool backstop_fired = false;
    loop.value().every(10'000, [&] {  // ends the run if the stop was lost
        backstop_fired = true;
        loop.value().stop();
    });
    loop.value().stop();
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_FALSE(backstop_fired);
    // Kept once: the next run() runs until its own stop().
    int ticks = 0;
    loop.value().every(1, [&] {
        if (++ticks == 2) loop.value().stop();
    });
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(ticks, 2);
    EXPECT_FALSE(backstop_fired);
}

TEST(EventLoop, SignalsArriveAsEvents) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int got = 0;
    ASSERT_TRUE(loop.value().on_signal(SIGUSR1, [&](int signo) {
        got = signo;
        loop.value().stop();
    }).ok());
    ::raise(SIGUSR1);
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(got, SIGUSR1);
}

TEST(EventLoop, ForgottenFdGetsNoMoreEvents) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    UniqueFd a(fds[0]), b(fds[1]);
    Reader reader;
    reader.loop = &loop.value();
    ASSERT_TRUE(loop.value().watch(a.get(), loop::kReadable, &reader).ok());
    loop.value().forget(a.get());
    ASSERT_EQ(::write(b.get(), "abc", 3), 3);
    int ticks = 0;
    loop.value().every(1, [&] {
        if (++ticks == 2) loop.value().stop();
    });
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(reader.seen, "");
}

}  // namespace

namespace {

TEST(EventLoop, CancelledTimerNeverFires) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int cancelled_ticks = 0, cancelled_in_tick_ticks = 0, ticks = 0;
    loop::TimerId cancelled = loop.value().every(1, [&] { ++cancelled_ticks; });
    loop.value().cancel(cancelled);
    loop::TimerId victim = 0;
    // Registered first, so in a wake-up where both are due this one runs first
    // and the victim, cancelled there, must not run after it.
    loop.value().every(1, [&] {
        loop.value().cancel(victim);
        if (++ticks == 5) loop.value().stop();
    });
    victim = loop.value().every(1, [&] { ++cancelled_in_tick_ticks; });
    loop.value().cancel(12345);  // an id that was never a timer: nothing happens
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(ticks, 5);
    EXPECT_EQ(cancelled_ticks, 0);
    EXPECT_EQ(cancelled_in_tick_ticks, 0);
}

TEST(EventLoop, TimerAddedAndCancelledFromATickIsSafe) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int inner = 0;
    loop::TimerId self = 0;
    self = loop.value().every(1, [&] {
        // Adding timers from a tick grows the list under the running tick.
        for (int i = 0; i < 50; ++i) loop.value().every(1000, [] {});
        loop.value().every(1, [&] {
            if (++inner == 3) loop.value().stop();
        });
        loop.value().cancel(self);  // the running timer cancels itself
    });
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(inner, 3);
}

// On its event, retires the other one unless that one went first.
struct Retiring final : loop::Handler {
    ~Retiring() override { *destroyed = true; }
    void on_event(const loop::Event&) noexcept override {
        ++*events;
        if (!*other) return;
        bool* other_destroyed = (*other)->destroyed;
        loop->retire(other_fd, std::move(*other));
        alive_in_batch = !*other_destroyed;
        loop->defer([this, other_destroyed] {
            gone_after_batch = *other_destroyed;
            loop->stop();
        });
    }
    loop::EventLoop* loop = nullptr;
    int* events = nullptr;
    bool* destroyed = nullptr;
    std::unique_ptr<Retiring>* other = nullptr;
    int other_fd = -1;
    bool alive_in_batch = false, gone_after_batch = false;
};

TEST(EventLoop, RetiredHandlerGetsNoMoreEventsAndLivesUntilTheBatchEnds) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    int a[2], b[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a), 0);
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b), 0);
    UniqueFd a0(a[0]), a1(a[1]), b0(b[0]), b1(b[1]);
    int events = 0;
    bool destroyed[2] = {false, false};
    std::unique_ptr<Retiring> handlers[2] = {std::make_unique<Retiring>(), std::make_unique<Retiring>()};
    Retiring* raw[2] = {handlers[0].get(), handlers[1].get()};
    const int fds[2] = {a0.get(), b0.get()};
    for (int i = 0; i < 2; ++i) {
        raw[i]->loop = &loop.value();
        raw[i]->events = &events;
        raw[i]->destroyed = &destroyed[i];
        raw[i]->other = &handlers[1 - i];
        raw[i]->other_fd = fds[1 - i];
        ASSERT_TRUE(loop.value().watch(fds[i], loop::kReadable, raw[i]).ok());
    }
    // Both readable in one batch: whichever runs first retires the other, which
    // then gets no event although its fd is ready.
    ASSERT_EQ(::write(a1.get(), "x", 1), 1);
    ASSERT_EQ(::write(b1.get(), "y", 1), 1);
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(events, 1);
    EXPECT_NE(destroyed[0], destroyed[1]);
    Retiring* survivor = destroyed[0] ? raw[1] : raw[0];
    EXPECT_TRUE(survivor->alive_in_batch);
    EXPECT_TRUE(survivor->gone_after_batch);
    // The retired handler owned no fd here; the test's UniqueFds close them.
}

}  // namespace

namespace {

// Records the order of on_retired() and the destructor.
struct Ordered final : loop::Handler {
    std::vector<std::string>* order;
    explicit Ordered(std::vector<std::string>* o) : order(o) {}
    ~Ordered() override { order->push_back("destroyed"); }
    void on_event(const loop::Event&) noexcept override {}
    void on_retired() noexcept override { order->push_back("retired"); }
};

}  // namespace

// Out of descriptors the retired handlers hold the only ones there are, and a
// destructor may need one: they are told to let go before they are destroyed.
TEST(EventLoop, RetiredHandlersLetGoOfTheirDescriptorsBeforeTheyAreDestroyed) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::vector<std::string> order;
    loop.value().every(1, [&] {
        loop.value().retire(-1, std::make_unique<Ordered>(&order));
        EXPECT_TRUE(order.empty());  // alive until the batch ends
        loop.value().defer([&] { loop.value().stop(); });
    });
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(order, (std::vector<std::string>{"retired", "destroyed"}));
}
