// Who opened the other end of an accepted TCP connection, when that end is on
// this machine: loopback is shared by every user, so the servers ask the
// kernel which uid owns the peer socket. One interface, one file per kernel
// (chosen by the Makefile, as the poller is): peer_owner_linux.cpp asks
// NETLINK_SOCK_DIAG; peer_owner_bsd.cpp says the kernel cannot tell (BSD and
// macOS have no lookup by address pair). peer_owner.cpp holds what both share.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace net {

// Both ends of a connection, as getsockname() and getpeername() give them.
struct SocketPair {
    sockaddr_storage local{};
    sockaddr_storage peer{};
};
Result<SocketPair> socket_pair_of(int fd);

// 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (::ffff:127.x.y.z).
bool is_loopback(const sockaddr_storage& address);
// "127.0.0.1:5173", "[::1]:5173", "[::ffff:127.0.0.1]:5173".
std::string describe(const sockaddr_storage& address);

class PeerOwner {
public:
    // Whether this system's kernel can say who owns a socket (false: BSD, macOS).
    static bool supported();
    // Opens what the questions go through (Linux: one netlink socket, kept
    // open for the server's life). An Error when unsupported or refused.
    static Result<PeerOwner> open();
    // The uid that owns the socket at `pair.peer` connected to `pair.local`.
    // Answered at once by the kernel; waits at most kAnswerWaitMs, else an
    // Error, as when no such socket exists (a peer in another network
    // namespace is not in our table).
    Result<uint32_t> owner(const SocketPair& pair) noexcept;

    static constexpr int kAnswerWaitMs = 5;

private:
    explicit PeerOwner(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
    [[maybe_unused]] uint32_t seq_ = 0;  // numbers the questions (none on BSD)
};

}  // namespace net
