#include "net/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace net {

Result<Listener> Listener::bind(const std::string& host, uint16_t port, int backlog) {
    Result<Listener> listener = reserve(host, port);
    if (!listener.ok()) return listener;
    if (Status st = listener.value().listen(backlog); !st.ok()) return st.error();
    return listener;
}

Status Listener::listen(int backlog) {
    if (::listen(fd_.get(), backlog) != 0) return sys_error("listen(" + where_ + ")");
    return Ok{};
}

Result<Listener> Listener::reserve(const std::string& host, uint16_t port) {
    std::string numeric = host == "localhost" ? "127.0.0.1" : host;
    sockaddr_storage addr{};
    socklen_t addr_len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, numeric.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        addr_len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, numeric.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        addr_len = sizeof *v6;
    } else {
        return Error{"--host " + host + ": not a numeric IPv4 or IPv6 address"};
    }
    std::string where = host + ":" + std::to_string(port);
    UniqueFd fd(::socket(addr.ss_family, SOCK_STREAM, 0));
    if (!fd) return sys_error("socket(" + where + ")");
    Status st = set_nonblocking_cloexec(fd.get());
    if (!st.ok()) return st.error();
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), addr_len) != 0)
        return sys_error("bind(" + where + ")");
    sockaddr_storage bound{};
    socklen_t bound_len = sizeof bound;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0)
        return sys_error("getsockname(" + where + ")");
    uint16_t real_port = bound.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port)
                                                    : ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
    return Listener(std::move(fd), real_port, where);
}

void Listener::set_out_of_descriptors_reply(std::string reply) {
    reply_ = std::move(reply);
    reserve_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

bool Listener::refuse_with_reserve() {
    if (!reserve_) return false;
    reserve_.reset();
    UniqueFd refused(::accept(fd_.get(), nullptr, nullptr));
    if (refused) {
        (void)::send(refused.get(), reply_.data(), reply_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        // A request left unread would turn the close into a reset, which can
        // destroy the reply before the client reads it.
        char request[4096];
        (void)::recv(refused.get(), request, sizeof request, MSG_DONTWAIT);
        refused.reset();
    }
    reserve_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    return refused && reserve_;
}

UniqueFd Listener::accept(std::string* error) {
    int fd = ::accept(fd_.get(), nullptr, nullptr);
    if (fd < 0) {
        if ((errno == EMFILE || errno == ENFILE) && refuse_with_reserve()) return UniqueFd();
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
            *error = sys_error("accept").message;
        return UniqueFd();
    }
    UniqueFd conn(fd);
    if (!set_nonblocking_cloexec(fd).ok()) {
        *error = sys_error("fcntl(accepted socket)").message;
        return UniqueFd();
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return conn;
}

}  // namespace net
