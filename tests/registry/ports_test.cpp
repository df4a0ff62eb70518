#include "registry/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/unique_fd.h"

namespace {

TEST(ProcNetTcp, KeepsOnlyListeningSockets) {
    const char* text =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0 100 0 0 10 0\n"
        "   1: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 23456 1 0 20 4 30 10 -1\n"
        "   2: 00000000:FFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1\n"
        "   3: garbage\n";
    EXPECT_EQ(registry::parse_proc_net_tcp(text),
              (std::vector<registry::ProcTcpListener>{{12345, 8080}, {7, 65535}}));
}

TEST(ProcNetTcp, Tcp6Addresses) {
    const char* text =
        "  sl  local_address                         remote_address                        st\n"
        "   0: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 "
        "00:00000000 00000000  1000        0 999 1 0 100 0 0 10 0\n";
    EXPECT_EQ(registry::parse_proc_net_tcp(text), (std::vector<registry::ProcTcpListener>{{999, 8081}}));
}

TEST(ProcNetTcp, SocketLinks) {
    EXPECT_EQ(registry::parse_socket_link("socket:[12345]"), 12345u);
    EXPECT_EQ(registry::parse_socket_link("socket:[]"), 0u);
    EXPECT_EQ(registry::parse_socket_link("socket:[12x]"), 0u);
    EXPECT_EQ(registry::parse_socket_link("pipe:[12345]"), 0u);
    EXPECT_EQ(registry::parse_socket_link("/dev/null"), 0u);
}

TEST(ListeningPorts, FindsOurOwnListener) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(fd);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    const uint16_t port = ntohs(address.sin_port);
    auto before = registry::listening_ports(::getpid());
    EXPECT_TRUE(std::none_of(before.begin(), before.end(), [&](auto& p) { return p.port == port; }));  // bound only
    ASSERT_EQ(::listen(fd.get(), 1), 0);
    auto after = registry::listening_ports(::getpid());
    EXPECT_TRUE(std::any_of(after.begin(), after.end(), [&](auto& p) { return p == registry::ListeningPort{port, ::getpid()}; }));
}

TEST(ListeningPorts, FindsAnIpv6Listener) {
    UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(fd);
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    ASSERT_EQ(::listen(fd.get(), 1), 0);
    const uint16_t port = ntohs(address.sin6_port);
    auto found = registry::listening_ports(::getpid());
    EXPECT_TRUE(std::any_of(found.begin(), found.end(), [&](auto& p) { return p.port == port; }));
}

TEST(ListeningPorts, NothingForAProcessThatIsGone) {
    EXPECT_TRUE(registry::listening_ports(INT32_MAX).empty());
    EXPECT_EQ(registry::process_tree(::getpid()).front(), ::getpid());
}

}  // namespace
