// The Poller contract, on whichever backend this platform compiles.
#include "loop/poller.h"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

struct SocketPair {
    SocketPair() {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        a.reset(fds[0]);
        b.reset(fds[1]);
    }
    UniqueFd a, b;
};

loop::Poller make_poller() {
    auto poller = loop::Poller::create();
    EXPECT_TRUE(poller.ok());
    return std::move(poller.value());
}

TEST(Poller, TimesOutWithNoEvents) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable).ok());
    auto ready = poller.wait(0);
    ASSERT_TRUE(ready.ok());
    EXPECT_TRUE(ready.value().empty());
}

TEST(Poller, ReportsReadable) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable).ok());
    ASSERT_EQ(::write(pair.b.get(), "x", 1), 1);
    auto ready = poller.wait(1000);
    ASSERT_TRUE(ready.ok());
    ASSERT_EQ(ready.value().size(), 1u);
    EXPECT_EQ(ready.value()[0].fd, pair.a.get());
    EXPECT_EQ(ready.value()[0].ready, loop::kReadable);
    EXPECT_FALSE(ready.value()[0].hangup);
}

TEST(Poller, ReadAndWriteInterestGiveOneEvent) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable | loop::kWritable).ok());
    ASSERT_EQ(::write(pair.b.get(), "x", 1), 1);
    auto ready = poller.wait(1000);
    ASSERT_TRUE(ready.ok());
    ASSERT_EQ(ready.value().size(), 1u);
    EXPECT_EQ(ready.value()[0].ready, loop::kReadable | loop::kWritable);
}

TEST(Poller, DroppingWriteInterestStopsWritableEvents) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kWritable).ok());
    EXPECT_EQ(poller.wait(0).value().size(), 1u);
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable).ok());
    EXPECT_TRUE(poller.wait(0).value().empty());
    EXPECT_EQ(poller.interest(pair.a.get()), loop::kReadable);
}

TEST(Poller, PeerClosingIsHangupAndReadable) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable).ok());
    pair.b.reset();
    auto ready = poller.wait(1000);
    ASSERT_TRUE(ready.ok());
    ASSERT_EQ(ready.value().size(), 1u);
    EXPECT_EQ(ready.value()[0].fd, pair.a.get());
    EXPECT_EQ(ready.value()[0].ready, loop::kReadable);
    EXPECT_TRUE(ready.value()[0].hangup);
}

TEST(Poller, HangupWithUnreadDataIsStillReadable) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable).ok());
    ASSERT_EQ(::write(pair.b.get(), "last", 4), 4);
    pair.b.reset();
    auto ready = poller.wait(1000);
    ASSERT_TRUE(ready.ok());
    ASSERT_EQ(ready.value().size(), 1u);
    EXPECT_EQ(ready.value()[0].ready, loop::kReadable);
    EXPECT_TRUE(ready.value()[0].hangup);
    char got[8];
    EXPECT_EQ(::read(pair.a.get(), got, sizeof got), 4);  // the data before the hangup is all there
}

TEST(Poller, HangupIsReportedToAWriteOnlyWatcherAsReadable) {
    // A connection waiting only to write must still learn that the peer is
    // gone: the read path is where it finds EOF or the error.
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kWritable).ok());
    pair.b.reset();
    auto ready = poller.wait(1000);
    ASSERT_TRUE(ready.ok());
    ASSERT_EQ(ready.value().size(), 1u);
    EXPECT_TRUE(ready.value()[0].hangup);
    EXPECT_TRUE(ready.value()[0].ready & loop::kReadable);
}

TEST(Poller, OpenPeerIsNoHangup) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable | loop::kWritable).ok());
    auto ready = poller.wait(1000);
    ASSERT_TRUE(ready.ok());
    ASSERT_EQ(ready.value().size(), 1u);
    EXPECT_EQ(ready.value()[0].ready, loop::kWritable);
    EXPECT_FALSE(ready.value()[0].hangup);
}

TEST(Poller, StopWatchingSilencesTheFd) {
    auto poller = make_poller();
    SocketPair pair;
    ASSERT_TRUE(poller.watch(pair.a.get(), loop::kReadable).ok());
    ASSERT_TRUE(poller.watch(pair.a.get(), 0).ok());
    ASSERT_EQ(::write(pair.b.get(), "x", 1), 1);
    EXPECT_TRUE(poller.wait(0).value().empty());
}

TEST(Poller, BadFdIsAnErrorWithTheFdInIt) {
    auto poller = make_poller();
    Status st = poller.watch(9999, loop::kReadable);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("fd 9999"), std::string::npos) << st.error().message;
}

}  // namespace
