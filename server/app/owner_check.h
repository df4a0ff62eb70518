// "Only its owner gets in": loopback is shared by every user of the machine,
// so both servers serve only connections opened by the user who started them,
// or by root. Judged once per connection, when it is accepted, by asking the
// kernel who owns the peer socket (net/peer_owner.h); a connection that is
// refused gets 403 with the reason at its first request, before any data.
// Connections from other machines (a server told to listen elsewhere) are
// not judged by user: the Host and Origin checks are what guard them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "net/peer_owner.h"

namespace app {

class OwnerCheck {
public:
    // Sets the check up for a server listening on `host`, and says on stderr
    // what it does not cover (other machines, a system that cannot tell, the
    // check turned off). An Error when the kernel should answer but cannot be
    // asked: the server would otherwise refuse everyone.
    static Result<OwnerCheck> start(std::string_view host, bool allow_other_users);

    // "" to serve the connection on `fd`, else the one-line reason to refuse
    // it with (the refusal is logged, with the details, here).
    std::string judge(int fd) noexcept;

    bool active() const { return kernel_.has_value(); }

private:
    OwnerCheck(std::optional<net::PeerOwner> kernel, uint32_t owner) : kernel_(std::move(kernel)), owner_(owner) {}
    std::optional<net::PeerOwner> kernel_;  // empty: every connection is served
    uint32_t owner_;                        // the uid that started the server
};

// Whether `host` (a --host value) is a loopback address.
bool is_loopback_host(std::string_view host);

}  // namespace app
