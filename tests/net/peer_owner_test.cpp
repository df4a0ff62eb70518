// net/peer_owner.h against this machine's kernel: real loopback connections,
// IPv4, IPv6 and IPv4 mapped into a dual-stack listener, owned by this test's
// user. Where the kernel cannot tell (BSD, macOS) the lookups are skipped.
#include "net/peer_owner.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

sockaddr_storage address(const char* text, uint16_t port) {
    sockaddr_storage out{};
    auto& v4 = reinterpret_cast<sockaddr_in&>(out);
    auto& v6 = reinterpret_cast<sockaddr_in6&>(out);
    if (::inet_pton(AF_INET, text, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
    } else if (::inet_pton(AF_INET6, text, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
    }
    return out;
}

socklen_t size_of(const sockaddr_storage& a) {
    return a.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
}

// A listener on `listen_at`, a client connected to it from `connect_to`'s
// family, and the accepted end.
struct Connected {
    UniqueFd listener, client, accepted;
};
Connected connect_pair(const char* listen_at, const char* connect_to) {
    Connected c;
    sockaddr_storage where = address(listen_at, 0);
    c.listener.reset(::socket(where.ss_family, SOCK_STREAM, 0));
    if (::bind(c.listener.get(), reinterpret_cast<sockaddr*>(&where), size_of(where)) != 0) return Connected();
    ::listen(c.listener.get(), 1);
    socklen_t size = sizeof where;
    ::getsockname(c.listener.get(), reinterpret_cast<sockaddr*>(&where), &size);
    uint16_t port = where.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in&>(where).sin_port)
                                               : ntohs(reinterpret_cast<sockaddr_in6&>(where).sin6_port);
    sockaddr_storage target = address(connect_to, port);
    c.client.reset(::socket(target.ss_family, SOCK_STREAM, 0));
    if (::connect(c.client.get(), reinterpret_cast<sockaddr*>(&target), size_of(target)) != 0) return Connected();
    c.accepted.reset(::accept(c.listener.get(), nullptr, nullptr));
    return c;
}

TEST(PeerOwnerTest, LoopbackAddresses) {
    EXPECT_TRUE(net::is_loopback(address("127.0.0.1", 1)));
    EXPECT_TRUE(net::is_loopback(address("127.255.0.9", 1)));
    EXPECT_TRUE(net::is_loopback(address("::1", 1)));
    EXPECT_TRUE(net::is_loopback(address("::ffff:127.0.0.1", 1)));
    EXPECT_FALSE(net::is_loopback(address("10.0.0.1", 1)));
    EXPECT_FALSE(net::is_loopback(address("128.0.0.1", 1)));
    EXPECT_FALSE(net::is_loopback(address("::", 1)));
    EXPECT_FALSE(net::is_loopback(address("::2", 1)));
    EXPECT_FALSE(net::is_loopback(address("::ffff:10.0.0.1", 1)));
    EXPECT_FALSE(net::is_loopback(address("fe80::1", 1)));
    EXPECT_FALSE(net::is_loopback(sockaddr_storage{}));
}

TEST(PeerOwnerTest, Describe) {
    EXPECT_EQ(net::describe(address("127.0.0.1", 5173)), "127.0.0.1:5173");
    EXPECT_EQ(net::describe(address("::1", 80)), "[::1]:80");
    EXPECT_EQ(net::describe(address("::ffff:127.0.0.1", 9)), "[::ffff:127.0.0.1]:9");
}

class PeerOwnerLookupTest : public ::testing::TestWithParam<std::pair<const char*, const char*>> {
protected:
    void SetUp() override {
        if (!net::PeerOwner::supported()) GTEST_SKIP() << "this kernel cannot say who owns a socket";
    }
};

TEST_P(PeerOwnerLookupTest, FindsThisUsersSocket) {
    Connected c = connect_pair(GetParam().first, GetParam().second);
    ASSERT_TRUE(c.accepted) << GetParam().first << " <- " << GetParam().second;
    auto owner = net::PeerOwner::open();
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    auto pair = net::socket_pair_of(c.accepted.get());
    ASSERT_TRUE(pair.ok()) << pair.error().message;
    EXPECT_TRUE(net::is_loopback(pair.value().peer));
    for (int i = 0; i < 3; ++i) {  // the one socket answers question after question
        auto uid = owner.value().owner(pair.value());
        ASSERT_TRUE(uid.ok()) << uid.error().message;
        EXPECT_EQ(uid.value(), ::geteuid());
    }
}

INSTANTIATE_TEST_SUITE_P(Families, PeerOwnerLookupTest,
                         ::testing::Values(std::pair{"127.0.0.1", "127.0.0.1"}, std::pair{"::1", "::1"},
                                           std::pair{"::", "127.0.0.1"}));

TEST_F(PeerOwnerLookupTest, NoSuchSocketIsAnError) {
    Connected c = connect_pair("127.0.0.1", "127.0.0.1");
    ASSERT_TRUE(c.accepted);
    auto owner = net::PeerOwner::open();
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    auto pair = net::socket_pair_of(c.accepted.get());
    ASSERT_TRUE(pair.ok());
    // A peer address no socket has (the listener is on 127.0.0.1 only).
    net::SocketPair gone = pair.value();
    ::inet_pton(AF_INET, "127.0.0.2", &reinterpret_cast<sockaddr_in&>(gone.peer).sin_addr);
    auto uid = owner.value().owner(gone);
    ASSERT_FALSE(uid.ok());
    EXPECT_EQ(uid.error().message, "the kernel knows no socket " + net::describe(gone.peer) + " connected to " +
                                       net::describe(gone.local) + " (a peer in another network namespace?)");
    // The listener's own port as the peer's: the kernel offers the listener, which is refused.
    net::SocketPair listener = pair.value();
    reinterpret_cast<sockaddr_in&>(listener.peer).sin_port = reinterpret_cast<sockaddr_in&>(listener.local).sin_port;
    uid = owner.value().owner(listener);
    ASSERT_FALSE(uid.ok());
    EXPECT_EQ(uid.error().message, "NETLINK_SOCK_DIAG: the answer is a listener, not the connected socket asked about");
    // The socket still answers the next question.
    auto again = owner.value().owner(pair.value());
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again.value(), ::geteuid());
}

TEST_F(PeerOwnerLookupTest, AClosedPeerHasNoOwner) {
    Connected c = connect_pair("127.0.0.1", "127.0.0.1");
    ASSERT_TRUE(c.accepted);
    auto owner = net::PeerOwner::open();
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    auto pair = net::socket_pair_of(c.accepted.get());
    ASSERT_TRUE(pair.ok());
    c.client.reset();  // FIN_WAIT2, orphaned: no owner left to judge
    auto uid = owner.value().owner(pair.value());
    ASSERT_FALSE(uid.ok());
    EXPECT_EQ(uid.error().message, "the peer socket " + net::describe(pair.value().peer) + " is already closed");
}

}  // namespace
