#include "app/owner_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>

#include "base/log.h"

namespace app {

namespace {

constexpr std::string_view kRefused = "only the user who started this server may connect";

std::string refuse(const net::SocketPair& pair, std::string_view why, std::string_view reply) {
    base::client_event(net::describe(pair.peer), "refused: " + std::string(why));
    return std::string(reply);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    std::string numeric = host == "localhost" ? "127.0.0.1" : std::string(host);
    sockaddr_storage address{};
    if (::inet_pton(AF_INET, numeric.c_str(), &reinterpret_cast<sockaddr_in&>(address).sin_addr) == 1)
        address.ss_family = AF_INET;
    else if (::inet_pton(AF_INET6, numeric.c_str(), &reinterpret_cast<sockaddr_in6&>(address).sin6_addr) == 1)
        address.ss_family = AF_INET6;
    return net::is_loopback(address);
}

Result<OwnerCheck> OwnerCheck::start(std::string_view host, bool allow_other_users) {
    const uint32_t owner = ::geteuid();
    if (!is_loopback_host(host))
        base::warn("listening on " + std::string(host) + ": " +
                   (host == "0.0.0.0" || host == "::" ? std::string("any machine that can reach this one")
                                                      : "any machine that can reach " + std::string(host)) +
                   " can connect; the owner check covers loopback connections only, so connections from other "
                   "machines, and local users' through a non-loopback address, are guarded by the Host and Origin "
                   "checks alone (docs/security.md)");
    if (allow_other_users) {
        base::warn("--allow-other-users: every user of this machine can connect");
        return OwnerCheck(std::nullopt, owner);
    }
    if (!net::PeerOwner::supported()) {
        base::warn(std::string(net::PeerOwner::open().error().message) +
                   ": other users of this machine can connect (docs/security.md)");
        return OwnerCheck(std::nullopt, owner);
    }
    auto kernel = net::PeerOwner::open();
    if (!kernel.ok())
        return Error{"cannot ask the kernel who opens connections (" + kernel.error().message +
                     "); --allow-other-users serves every user without asking"};
    return OwnerCheck(std::move(kernel.value()), owner);
}

std::string OwnerCheck::judge(int fd) noexcept {
    if (!kernel_) return {};
    auto pair = net::socket_pair_of(fd);
    if (!pair.ok()) {
        base::client_event("refused a connection: " + pair.error().message);
        return "cannot tell who opened this connection";
    }
    if (!net::is_loopback(pair.value().peer)) return {};  // another machine: not judged by user
    auto uid = kernel_->owner(pair.value());
    if (!uid.ok())
        return refuse(pair.value(), "cannot tell who opened it: " + uid.error().message,
                      "cannot tell who opened this connection");
    if (uid.value() == owner_ || uid.value() == 0) return {};
    return refuse(pair.value(),
                  "opened by uid " + std::to_string(uid.value()) + "; this server serves " +
                      (owner_ == 0 ? std::string("only root") : "uid " + std::to_string(owner_) + " and root") +
                      " (--allow-other-users serves everyone)",
                  kRefused);
}

}  // namespace app
