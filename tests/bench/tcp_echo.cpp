// The benchmark's physical limit: a plain epoll TCP echo on loopback. No
// framing, no parsing, no copy beyond one read and one write per wakeup, so
// whatever ws-server spends above it is the price of WebSocket. A client that
// does not read is not read either (its unsent bytes wait, EPOLLOUT only).
// Usage: tcp_echo [port]; prints "tcp echo listening on port <port>".
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    uint16_t port = static_cast<uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
    sockaddr_in address{AF_INET, htons(port), {htonl(INADDR_LOOPBACK)}, {}};
    socklen_t address_size = sizeof address;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), address_size) != 0 || ::listen(listener, 4096) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &address_size) != 0)
        return std::perror("tcp_echo: bind/listen 127.0.0.1"), 1;
    std::printf("tcp echo listening on port %u\n", ntohs(address.sin_port));
    std::fflush(stdout);
    int poller = ::epoll_create1(0);
    epoll_event event{EPOLLIN, {.fd = listener}}, events[1024];
    ::epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    std::vector<std::string> unsent;  // by fd: what the client has not taken yet
    static char buffer[256 * 1024];
    for (;;) {
        int ready = ::epoll_wait(poller, events, 1024, -1);
        for (int i = 0; i < ready; ++i) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                for (int client; (client = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    event = {EPOLLIN, {.fd = client}};
                    ::epoll_ctl(poller, EPOLL_CTL_ADD, client, &event);
                    if (unsent.size() <= static_cast<size_t>(client)) unsent.resize(client + 1024);
                }
                continue;
            }
            std::string& pending = unsent[fd];
            const char* data = pending.data();
            ssize_t size = static_cast<ssize_t>(pending.size());
            if (pending.empty()) {
                data = buffer;
                size = ::read(fd, buffer, sizeof buffer);
            }
            ssize_t sent = size > 0 ? ::send(fd, data, static_cast<size_t>(size), MSG_NOSIGNAL) : -1;
            if (size <= 0 || (sent < 0 && errno != EAGAIN)) {  // EOF or error
                pending.clear();
                ::close(fd);
                continue;
            }
            bool was_waiting = !pending.empty();
            if (pending.empty()) pending.assign(buffer + std::max<ssize_t>(sent, 0), buffer + size);  // rarely
            else pending.erase(0, static_cast<size_t>(std::max<ssize_t>(sent, 0)));
            if (was_waiting != !pending.empty()) {
                event = {pending.empty() ? EPOLLIN : EPOLLOUT, {.fd = fd}};
                ::epoll_ctl(poller, EPOLL_CTL_MOD, fd, &event);
            }
        }
    }
}
