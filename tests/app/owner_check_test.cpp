// app/owner_check.h on real loopback connections of this test's own user:
// served; a peer that closed before it was judged has no owner left, and is
// refused (the safe side). Other users are in tests/integration/owner_check_test.cpp.
#include "app/owner_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace {

struct Connected {
    UniqueFd listener, client, accepted;
};

Connected connect_loopback() {
    Connected c;
    c.listener.reset(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(c.listener.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(c.listener.get(), 1) != 0 ||
        ::getsockname(c.listener.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0)
        return Connected();
    c.client.reset(::socket(AF_INET, SOCK_STREAM, 0));
    if (::connect(c.client.get(), reinterpret_cast<sockaddr*>(&address), size) != 0) return Connected();
    c.accepted.reset(::accept(c.listener.get(), nullptr, nullptr));
    return c;
}

TEST(OwnerCheckTest, LoopbackHosts) {
    for (const char* host : {"127.0.0.1", "localhost", "127.1.2.3", "::1", "::ffff:127.0.0.1"})
        EXPECT_TRUE(app::is_loopback_host(host)) << host;
    for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "fe80::1", "example.com", ""})
        EXPECT_FALSE(app::is_loopback_host(host)) << host;
}

TEST(OwnerCheckTest, ListeningElsewhereSaysWhoCanConnect) {
    for (const char* host : {"10.1.2.3", "0.0.0.0"}) {
        testing::internal::CaptureStderr();
        auto check = app::OwnerCheck::start(host, false);
        const std::string said = testing::internal::GetCapturedStderr();
        ASSERT_TRUE(check.ok()) << check.error().message;
        const std::string who = std::string(host) == "0.0.0.0" ? "any machine that can reach this one"
                                                               : "any machine that can reach 10.1.2.3";
        EXPECT_EQ(said, "warning: listening on " + std::string(host) + ": " + who +
                            " can connect; the owner check covers loopback connections only, so connections from "
                            "other machines, and local users' through a non-loopback address, are guarded by the "
                            "Host and Origin checks alone (docs/security.md)\n");
    }
    if (!net::PeerOwner::supported()) return;  // loopback warns then that other users can connect
    testing::internal::CaptureStderr();
    auto loopback = app::OwnerCheck::start("127.0.0.1", false);
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "") << "loopback: nothing to warn about";
}

TEST(OwnerCheckTest, TheOwnerIsServed) {
    auto check = app::OwnerCheck::start("127.0.0.1", false);
    ASSERT_TRUE(check.ok()) << check.error().message;
    EXPECT_EQ(check.value().active(), net::PeerOwner::supported());
    Connected c = connect_loopback();
    ASSERT_TRUE(c.accepted);
    EXPECT_EQ(check.value().judge(c.accepted.get()), "");
}

TEST(OwnerCheckTest, WhenTheKernelCannotTellTheConnectionIsRefused) {
    if (!net::PeerOwner::supported()) GTEST_SKIP() << "this kernel cannot say who owns a connection";
    auto check = app::OwnerCheck::start("127.0.0.1", false);
    ASSERT_TRUE(check.ok()) << check.error().message;
    Connected c = connect_loopback();
    ASSERT_TRUE(c.accepted);
    c.client.reset();  // closed before it was judged: no owner left to ask about
    EXPECT_EQ(check.value().judge(c.accepted.get()), "cannot tell who opened this connection");
}

TEST(OwnerCheckTest, AllowOtherUsersServesWithoutAsking) {
    auto check = app::OwnerCheck::start("127.0.0.1", true);
    ASSERT_TRUE(check.ok());
    EXPECT_FALSE(check.value().active());
    Connected c = connect_loopback();
    ASSERT_TRUE(c.accepted);
    c.client.reset();
    EXPECT_EQ(check.value().judge(c.accepted.get()), "");
}

}  // namespace
