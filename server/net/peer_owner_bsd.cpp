// BSD and macOS: no kernel interface names the owner of a socket by its
// address pair, so the servers say at start that other local users can connect.
#include "net/peer_owner.h"

namespace net {

namespace {
constexpr const char* kUnsupported = "this system's kernel cannot say which user opened a connection";
}

bool PeerOwner::supported() { return false; }

Result<PeerOwner> PeerOwner::open() { return Error{kUnsupported}; }

Result<uint32_t> PeerOwner::owner(const SocketPair&) noexcept { return Error{kUnsupported}; }

}  // namespace net
