#include "app/client_log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/log.h"

namespace app {

std::string peer_address(int socket_fd) {
    sockaddr_storage addr{};
    socklen_t length = sizeof addr;
    if (::getpeername(socket_fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) return "(peer unknown)";
    char text[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
        ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
    }
    if (addr.ss_family == AF_INET6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
    }
    return "(not an IP peer)";
}

void client_event(int socket_fd, std::string_view message) {
    base::client_event(peer_address(socket_fd), message);
}

}  // namespace app
