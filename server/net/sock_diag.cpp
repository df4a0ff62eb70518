#include "net/sock_diag.h"

#include <algorithm>
#include <cstring>

namespace net::sock_diag {

namespace {

constexpr uint16_t kNlmsgError = 2;       // NLMSG_ERROR
constexpr uint16_t kNlmsgDone = 3;        // NLMSG_DONE
constexpr uint16_t kNlmRequest = 1;       // NLM_F_REQUEST
constexpr uint8_t kIpprotoTcp = 6;        // IPPROTO_TCP
constexpr int32_t kLinuxEnoent = 2;       // the kernel's errno numbers, whatever this system's are
constexpr uint32_t kAllStates = 0xFFFFFFFF;
constexpr uint32_t kNoCookie = 0xFFFFFFFF;  // INET_DIAG_NOCOOKIE
constexpr uint8_t kTcpTimeWait = 6, kTcpListen = 10;
constexpr size_t kSockIdOffset = 8;         // of the inet_diag_sockid in inet_diag_req_v2
constexpr size_t kNamedBytes = 36;          // its ports and addresses
constexpr size_t kMessageIdOffset = 4;      // of the inet_diag_sockid in inet_diag_msg

// Host-order fields, as netlink lays them out.
template <class T>
void put(uint8_t* at, T value) {
    std::memcpy(at, &value, sizeof value);
}
template <class T>
T get(const uint8_t* at) {
    T value;
    std::memcpy(&value, at, sizeof value);
    return value;
}
void put_network_port(uint8_t* at, uint16_t port) {
    at[0] = static_cast<uint8_t>(port >> 8);
    at[1] = static_cast<uint8_t>(port);
}

Reply bad(std::string problem) { return Reply{Answer::bad, 0, std::move(problem)}; }

}  // namespace

std::array<uint8_t, kRequestSize> build_request(uint32_t seq, const Endpoint& peer, const Endpoint& local) {
    std::array<uint8_t, kRequestSize> out{};
    uint8_t* h = out.data();
    put<uint32_t>(h + 0, kRequestSize);  // nlmsg_len
    put<uint16_t>(h + 4, kSockDiagByFamily);
    put<uint16_t>(h + 6, kNlmRequest);
    put<uint32_t>(h + 8, seq);
    put<uint32_t>(h + 12, 0);  // nlmsg_pid: the kernel
    uint8_t* r = h + kHeaderSize;  // inet_diag_req_v2
    r[0] = peer.family;            // sdiag_family
    r[1] = kIpprotoTcp;            // sdiag_protocol
    r[2] = 0;                      // idiag_ext: no extra attributes asked for
    put<uint32_t>(r + 4, kAllStates);
    uint8_t* id = r + 8;  // inet_diag_sockid, named from the peer's side
    put_network_port(id + 0, peer.port);   // idiag_sport
    put_network_port(id + 2, local.port);  // idiag_dport
    std::memcpy(id + 4, peer.address.data(), 16);    // idiag_src
    std::memcpy(id + 20, local.address.data(), 16);  // idiag_dst
    put<uint32_t>(id + 36, 0);                       // idiag_if: any
    put<uint32_t>(id + 40, kNoCookie);
    put<uint32_t>(id + 44, kNoCookie);
    return out;
}

Reply parse_reply(std::span<const uint8_t> datagram, uint32_t seq, const Endpoint& peer, const Endpoint& local) {
    size_t at = 0;
    while (datagram.size() - at >= kHeaderSize) {
        const uint8_t* h = datagram.data() + at;
        const uint32_t length = get<uint32_t>(h);
        const uint16_t type = get<uint16_t>(h + 4);
        if (length < kHeaderSize || length > datagram.size() - at)
            return bad("netlink message at byte " + std::to_string(at) + " claims " + std::to_string(length) +
                       " bytes of " + std::to_string(datagram.size() - at));
        if (get<uint32_t>(h + 8) == seq) {
            const uint8_t* body = h + kHeaderSize;
            const size_t body_size = length - kHeaderSize;
            if (type == kSockDiagByFamily) {
                if (body_size < kMessageSize)
                    return bad("inet_diag_msg of " + std::to_string(body_size) + " bytes, expected " +
                               std::to_string(kMessageSize));
                const uint8_t state = body[1];
                const auto asked = build_request(seq, peer, local);
                if (body[0] != peer.family ||
                    std::memcmp(body + kMessageIdOffset, asked.data() + kHeaderSize + kSockIdOffset, kNamedBytes) != 0)
                    return bad(state == kTcpListen ? "the answer is a listener, not the connected socket asked about"
                                                   : "the answer names another socket than the one asked about");
                if (state == kTcpTimeWait || get<uint32_t>(body + kInodeOffset) == 0)
                    return Reply{Answer::closed, 0, {}};
                return Reply{Answer::owner, get<uint32_t>(body + kUidOffset), {}};
            }
            if (type == kNlmsgError) {
                if (body_size < 4) return bad("NLMSG_ERROR without an error code");
                const int32_t error = get<int32_t>(body);
                if (error == -kLinuxEnoent) return Reply{Answer::no_such_socket, 0, {}};
                return bad(error == 0 ? "an acknowledgement instead of an answer"
                                      : "the kernel answered error " + std::to_string(-error) + " (" +
                                            std::strerror(-error) + ")");
            }
            if (type == kNlmsgDone) return bad("NLMSG_DONE without an answer");
            return bad("unexpected netlink message type " + std::to_string(type));
        }
        at = std::min(datagram.size(), at + ((length + 3) & ~size_t{3}));  // NLMSG_ALIGN
    }
    if (at < datagram.size())
        return bad(std::to_string(datagram.size() - at) + " bytes after the last netlink message, too few for a header");
    return Reply{Answer::not_ours, 0, {}};
}

}  // namespace net::sock_diag
