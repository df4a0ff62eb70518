// The registry as the page sees it: the body of GET /api/registry, and how a
// fresh copy differs from the servers the page already knows.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/value.h"

namespace client {

struct ServerInfo {
    std::string id;          // "server-1735946123456-abc123"
    int port = 0;            // 1..65535
    int64_t pid = 0;         // 0 when the entry has none
    std::string url;         // "ws://localhost:54321"; may be empty in old entries
    std::string started_at;  // ISO 8601 as written by ws-server; may be empty
    // Fields beyond the seeds (SPEC "Entry fields beyond the seeds"), all optional.
    std::string name = {};      // a human label; empty when the entry has none
    std::string kind = {};      // "echo" for ws-server; empty in entries of older ws-servers
    std::string instance = {};  // random per start: tells a restarted server from the old one
    // Served by registry-http beside the entry (SPEC "Live registry").
    std::string status = {};   // "unknown", "live", "refused", "unresponsive", "impostor"; or empty
    int64_t connections = -1;  // a ws-server's counters from /healthz; -1 when not given
    int64_t messages = -1;

    bool operator==(const ServerInfo&) const = default;
};

// Whether the page sends test messages to it: kind "echo", or no kind at all
// (ws-servers before the kind field wrote none, and they are all echo servers).
bool is_echo(const ServerInfo& server);
// Whether the page opens a WebSocket to it: a ws:// or wss:// url, or no url
// (the seed's entries). A url of another scheme (http://...) is shown as a
// link only.
bool has_socket(const ServerInfo& server);
// Same process as before: a change here means a restart, so the page
// reconnects; other fields (name, status, counters) change in place.
bool same_process(const ServerInfo& a, const ServerInfo& b);

struct Registry {
    std::vector<ServerInfo> servers;    // in registry order, ids unique
    std::vector<std::string> problems;  // entries left out, and why
};

// Accepts registry-http's answer (a JSON array of entries) and, so that the
// page also works against a plain copy of the file, {"servers": [...]}.
// A body that is not JSON of either shape is an error; a single bad entry is
// left out with a problem, so one broken writer does not hide the others.
Result<Registry> parse_registry(std::string_view body) noexcept;
// The same for an array already read: a snapshot's "servers", a diff's "upsert".
Registry read_entries(const std::vector<json::Value>& list);

struct RegistryDiff {
    std::vector<std::string> removed;  // ids known but no longer listed
    std::vector<size_t> added;         // indexes into fresh: ids not known yet
    std::vector<size_t> replaced;      // indexes into fresh: same id, another process
    std::vector<size_t> updated;       // indexes into fresh: same process, other fields changed
};

// A known id whose process changed (restarted with --id, see same_process) is
// "replaced": the page drops the old connection and opens a new one. Other
// changes (status, counters, name) are "updated": the card changes in place.
RegistryDiff diff_registry(std::span<const ServerInfo> known, std::span<const ServerInfo> fresh);

// Where to connect: the entry's own url when it is a plain ws:// or wss://
// address, else ws://<page host>:<port>; "" when has_socket() is false. Never
// returns a string that would make the browser's WebSocket constructor throw.
std::string socket_url(const ServerInfo& server, std::string_view page_host);

}  // namespace client
