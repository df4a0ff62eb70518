// The registry as the page sees it: the body of GET /api/registry, and how a
// fresh copy differs from the servers the page already knows.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace client {

struct ServerInfo {
    std::string id;          // "server-1735946123456-abc123"
    int port = 0;            // 1..65535
    int64_t pid = 0;         // 0 when the entry has none
    std::string url;         // "ws://localhost:54321"; may be empty in old entries
    std::string started_at;  // ISO 8601 as written by ws-server; may be empty

    bool operator==(const ServerInfo&) const = default;
};

struct Registry {
    std::vector<ServerInfo> servers;    // in registry order, ids unique
    std::vector<std::string> problems;  // entries left out, and why
};

// Accepts registry-http's answer (a JSON array of entries) and, so that the
// page also works against a plain copy of the file, {"servers": [...]}.
// A body that is not JSON of either shape is an error; a single bad entry is
// left out with a problem, so one broken writer does not hide the others.
Result<Registry> parse_registry(std::string_view body) noexcept;

struct RegistryDiff {
    std::vector<std::string> removed;  // ids known but no longer listed
    std::vector<size_t> added;         // indexes into fresh: ids not known yet
    std::vector<size_t> replaced;      // indexes into fresh: same id, different entry
};

// A changed entry under a known id is a new process (restarted with --id),
// so it is "replaced": the page drops the old connection and opens a new one.
RegistryDiff diff_registry(std::span<const ServerInfo> known, std::span<const ServerInfo> fresh);

// Where to connect: the entry's own url when it is a plain ws:// or wss://
// address, else ws://<page host>:<port>. Never returns a string that would
// make the browser's WebSocket constructor throw.
std::string socket_url(const ServerInfo& server, std::string_view page_host);

}  // namespace client
