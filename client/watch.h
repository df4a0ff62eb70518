// The page's side of registry-http's watch socket (SPEC "Live registry"):
// reading its messages, deciding whether each one applies to what the page
// holds, and applying it. Pure: the socket, the clock and the fallback are
// in Feed (feed.h).
//
//   {"type":"snapshot","epoch":E,"gen":G,"heartbeatMs":H,"servers":[...]}   always applies
//   {"type":"diff","epoch":E,"gen":G,"base":B,"upsert":[...],"remove":[...]}
//                                    applies only when E and B are what the page holds
//   {"type":"heartbeat","epoch":E,"gen":G}                      E and G must match too
//
// A diff or heartbeat that does not match means the page missed something
// (or holds a state from another registry-http run): it resubscribes without
// a resume and gets a snapshot.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "registry.h"

namespace client {

// Where the page's copy of the registry stands: registry-http's epoch and gen.
struct WatchPosition {
    uint64_t epoch = 0;
    uint64_t gen = 0;

    bool operator==(const WatchPosition&) const = default;
};

enum class WatchType { snapshot, diff, heartbeat, other };

struct WatchMessage {
    WatchType type = WatchType::other;
    WatchPosition position;              // epoch and gen
    uint64_t base = 0;                   // diff only
    uint64_t heartbeat_ms = 0;           // snapshot only: the server's period, 0 if it does not say
    std::vector<ServerInfo> servers;     // snapshot: all; diff: upsert
    std::vector<std::string> remove;     // diff only
    std::vector<std::string> problems;   // entries left out, as parse_registry says them
};

// A message that is not JSON, has no "type", or lacks a field its type
// needs, is an error; an unknown type is WatchType::other (newer servers).
Result<WatchMessage> parse_watch_message(std::string_view text) noexcept;

enum class WatchVerdict {
    apply,        // snapshot, or a diff whose base is what the page holds
    in_step,      // heartbeat (or unknown type) that says nothing new
    resubscribe,  // the page and the server disagree: start over
};

struct WatchCheck {
    WatchVerdict verdict = WatchVerdict::in_step;
    std::string reason;  // for resubscribe: "diff base 6, the page holds gen 4"
};

// held: the page's position, nullopt before any snapshot (or after a
// resubscribe: then only a snapshot applies).
WatchCheck check_watch_message(const std::optional<WatchPosition>& held, const WatchMessage& message);

// Applies a message that check_watch_message() said to apply: a snapshot
// replaces `servers`; a diff removes, then replaces entries in place or
// appends new ones at the end.
void apply_watch_message(const WatchMessage& message, std::vector<ServerInfo>& servers);

// "/api/registry/watch", or "/api/registry/watch?epoch=E&gen=G" to resume.
std::string watch_path(const std::optional<WatchPosition>& resume);

// GET /api/registry's ETag is "E.G" (quotes included), the same position.
std::string format_etag(const WatchPosition& position);
std::optional<WatchPosition> parse_etag(std::string_view etag);

// The value of header `name` (any case) in XMLHttpRequest's
// getAllResponseHeaders() text ("name: value\r\n" lines); "" if absent.
std::string header_value(std::string_view headers, std::string_view name);

}  // namespace client
