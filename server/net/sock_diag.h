// The bytes of one NETLINK_SOCK_DIAG question and its answer: "who owns the
// TCP socket with this exact address pair?" (Linux's inet_diag, the source of
// `ss -tne`'s uid). Only bytes here, no socket, so it is tested on every
// system against bytes recorded from a real kernel; peer_owner_linux.cpp
// sends them.
//
// Implemented: one SOCK_DIAG_BY_FAMILY request (NLM_F_REQUEST, no dump) with
// an inet_diag_req_v2 for IPPROTO_TCP in any state, and its two answers: one
// inet_diag_msg (idiag_uid is the owner) or NLMSG_ERROR (-ENOENT: no such
// socket). The kernel answers for a socket that is not the one asked about
// in two cases, both refused here: with no connected socket for the pair it
// falls back to a listener on the peer's address and port, and a closed
// socket in TIME_WAIT is reported with uid 0 (root). The layout is written out here (netlink headers in host byte order,
// ports and addresses in network order) so the kernel's headers are needed
// only where the socket is; peer_owner_linux.cpp checks it against them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace net::sock_diag {

// One end of a TCP connection as the kernel's table names it.
struct Endpoint {
    uint8_t family = 0;                // AF_INET or AF_INET6 (this system's values)
    std::array<uint8_t, 16> address{}; // network order; IPv4 in the first 4 bytes
    uint16_t port = 0;                 // host order
};

constexpr uint16_t kSockDiagByFamily = 20;  // SOCK_DIAG_BY_FAMILY
constexpr size_t kHeaderSize = 16;          // struct nlmsghdr
constexpr size_t kRequestSize = kHeaderSize + 56;  // + struct inet_diag_req_v2
constexpr size_t kMessageSize = 72;         // struct inet_diag_msg
constexpr size_t kUidOffset = 64;           // of idiag_uid in inet_diag_msg
constexpr size_t kInodeOffset = 68;         // of idiag_inode

// The request for the socket at `peer` connected to `local`, as seen from the
// peer's side: its source is `peer`, its destination `local`.
std::array<uint8_t, kRequestSize> build_request(uint32_t seq, const Endpoint& peer, const Endpoint& local);

enum class Answer : uint8_t {
    owner,           // uid is the owner of the socket
    no_such_socket,  // the kernel knows no socket with that address pair
    closed,          // only a closed socket (TIME_WAIT, orphaned), whose owner is not known
    not_ours,        // no message with our sequence number: read again
    bad,             // an error from the kernel, or bytes that do not parse
};
struct Reply {
    Answer answer = Answer::bad;
    uint32_t uid = 0;
    std::string problem;  // when bad: what was wrong
};

// Reads the messages in one datagram and returns the first answer to `seq`,
// the question build_request(seq, peer, local) asked.
Reply parse_reply(std::span<const uint8_t> datagram, uint32_t seq, const Endpoint& peer, const Endpoint& local);

}  // namespace net::sock_diag
