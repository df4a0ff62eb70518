// One registry entry, model <-> JSON, and the id format the registry file
// uses: {"id": "server-1735946123456-abc123", "port": 54321, "url":
// "ws://localhost:54321", "pid": 12345, "startedAt": "2026-01-03T17:42:03.456Z"}.
// startedAt is written and read by base/civil_time.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "json/value.h"

namespace registry {

struct Entry {
    std::string id;
    int port = 0;
    std::string url;
    int64_t pid = 0;
    std::string started_at;  // UTC ISO 8601 with milliseconds
};

json::Value to_json(const Entry& entry);  // members in order id, port, url, pid, startedAt

// The known fields of an entry written by any version. nullopt unless it is an
// object with an integer port in 1..65535; missing strings are "", a missing
// or non-integer pid is 0. Unknown fields are not carried (keep the
// json::Value for that).
std::optional<Entry> from_json(const json::Value& value);

// The url a server listening on `host` (a numeric address or "localhost")
// and `port` announces: "ws://localhost:P" for 127.0.0.1, localhost and the
// wildcards 0.0.0.0 and ::; else the address in its canonical text,
// "ws://127.0.0.2:P", "ws://[::1]:P".
std::string url_for(std::string_view host, int port);

// The address an entry's url names, canonical ("::1", "127.0.0.2"); localhost,
// and a url without a host (entries of older versions), are "127.0.0.1".
std::string url_address(std::string_view url);

// An entry is identified by its address (url_address of its url) and port:
// true when `server` has the same two as `entry`.
bool same_endpoint(const json::Value& server, const Entry& entry);

// "server-<unix ms>-<6 random base-36 chars>", random from std::random_device.
std::string make_id(int64_t unix_ms);

}  // namespace registry
