#include "loop/event_loop.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

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
