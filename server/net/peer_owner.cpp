#include "net/peer_owner.h"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace net {

Result<SocketPair> socket_pair_of(int fd) {
    SocketPair pair;
    socklen_t size = sizeof pair.local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&pair.local), &size) != 0) return sys_error("getsockname");
    size = sizeof pair.peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&pair.peer), &size) != 0) return sys_error("getpeername");
    return pair;
}

bool is_loopback(const sockaddr_storage& address) {
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        return (ntohl(v4.sin_addr.s_addr) >> 24) == 127;
    }
    if (address.ss_family == AF_INET6) {
        const in6_addr& a = reinterpret_cast<const sockaddr_in6&>(address).sin6_addr;
        if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
        return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
    }
    return false;
}

std::string describe(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
        return std::string(text) + ":" + std::to_string(ntohs(v4.sin_port));
    }
    if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6.sin6_port));
    }
    return "(address family " + std::to_string(address.ss_family) + ")";
}

}  // namespace net
