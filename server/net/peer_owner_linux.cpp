// Linux: NETLINK_SOCK_DIAG answers "who owns the socket with this address
// pair" with the socket's uid, as `ss -tne` shows it. The kernel handles the
// request inside sendto(), so the answer is queued before it returns; the
// read is non-blocking and the wait for a late answer is bounded. One socket
// serves every question; a late answer to an earlier question is skipped by
// its sequence number.
#include "net/peer_owner.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>

#include <chrono>
#include <cstddef>
#include <cstring>

#include "net/sock_diag.h"

namespace net {

// sock_diag.cpp writes the layout out by hand; this is where it meets the kernel's.
static_assert(sizeof(nlmsghdr) == sock_diag::kHeaderSize);
static_assert(sock_diag::kRequestSize == sizeof(nlmsghdr) + sizeof(inet_diag_req_v2));
static_assert(sizeof(inet_diag_msg) == sock_diag::kMessageSize);
static_assert(offsetof(inet_diag_msg, idiag_uid) == sock_diag::kUidOffset);
static_assert(offsetof(inet_diag_msg, idiag_inode) == sock_diag::kInodeOffset);
static_assert(SOCK_DIAG_BY_FAMILY == sock_diag::kSockDiagByFamily);

namespace {

// IPv4 mapped into IPv6 (a dual-stack listener's IPv4 clients) is asked as
// IPv4: the client's socket is an IPv4 one.
sock_diag::Endpoint endpoint_of(const sockaddr_storage& address) {
    sock_diag::Endpoint end;
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        end.family = AF_INET;
        std::memcpy(end.address.data(), &v4.sin_addr, 4);
        end.port = ntohs(v4.sin_port);
        return end;
    }
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    end.port = ntohs(v6.sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
        end.family = AF_INET;
        std::memcpy(end.address.data(), v6.sin6_addr.s6_addr + 12, 4);
    } else {
        end.family = AF_INET6;
        std::memcpy(end.address.data(), v6.sin6_addr.s6_addr, 16);
    }
    return end;
}

}  // namespace

bool PeerOwner::supported() { return true; }

Result<PeerOwner> PeerOwner::open() {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_SOCK_DIAG));
    if (!fd) return sys_error("socket(AF_NETLINK, NETLINK_SOCK_DIAG)");
    return PeerOwner(std::move(fd));
}

Result<uint32_t> PeerOwner::owner(const SocketPair& pair) noexcept {
    if (pair.peer.ss_family != AF_INET && pair.peer.ss_family != AF_INET6)
        return Error{"not a TCP/IP connection: " + describe(pair.peer)};
    const uint32_t seq = ++seq_;
    const sock_diag::Endpoint peer = endpoint_of(pair.peer), local = endpoint_of(pair.local);
    auto request = sock_diag::build_request(seq, peer, local);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd_.get(), request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof kernel) != static_cast<ssize_t>(request.size()))
        return sys_error("sendto(NETLINK_SOCK_DIAG)");
    alignas(nlmsghdr) uint8_t reply[8192];
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAnswerWaitMs);
    for (int reads = 0; reads < 16; ++reads) {  // bounded even if stale answers keep coming
        ssize_t n = ::recv(fd_.get(), reply, sizeof reply, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up -
                                                                              std::chrono::steady_clock::now());
            pollfd ready{fd_.get(), POLLIN, 0};
            if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
            continue;
        }
        if (n < 0) return sys_error("recv(NETLINK_SOCK_DIAG)");
        auto answer = sock_diag::parse_reply({reply, static_cast<size_t>(n)}, seq, peer, local);
        switch (answer.answer) {
        case sock_diag::Answer::owner:
            return answer.uid;
        case sock_diag::Answer::no_such_socket:
            return Error{"the kernel knows no socket " + describe(pair.peer) + " connected to " +
                         describe(pair.local) + " (a peer in another network namespace?)"};
        case sock_diag::Answer::closed:
            return Error{"the peer socket " + describe(pair.peer) + " is already closed"};
        case sock_diag::Answer::bad:
            return Error{"NETLINK_SOCK_DIAG: " + answer.problem};
        case sock_diag::Answer::not_ours:
            continue;
        }
    }
    return Error{"NETLINK_SOCK_DIAG gave no answer within " + std::to_string(kAnswerWaitMs) + " ms"};
}

}  // namespace net
