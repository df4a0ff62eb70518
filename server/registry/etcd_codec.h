// The etcd v3 JSON gateway, as bytes (etcd 3.4; notes/etcd-3.4-gateway.md):
// the request bodies the registry sends and parsers for the answers. Pure:
// no sockets, no clock. Keys and values travel as standard padded base64;
// int64 fields (lease ids, revisions, TTLs) arrive as JSON strings and are
// parsed as integers from that text, never through a double (lease ids pass
// 2^53). Fields at their default value are omitted by etcd and read as 0,
// false or empty here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/value.h"

namespace registry::etcd {

// The range_end that makes [prefix, range_end) exactly the keys starting with
// `prefix`: its last byte below 0xFF incremented, what follows dropped; all
// 0xFF (or empty): "\0", which means "to the end of the key space".
std::string prefix_range_end(std::string_view prefix);

// ---- request bodies (compact JSON, members in this order) -----------------
std::string grant_body(int64_t ttl_seconds);                 // {"TTL":10}
std::string keepalive_body(int64_t lease);                   // {"ID":"<id>"}
std::string revoke_body(int64_t lease);                      // {"ID":"<id>"}
// kv/txn: put key = value bound to `lease` if the key does not exist
// (create_revision 0), else read it (to see whose it is).
std::string create_txn_body(std::string_view key, std::string_view value, int64_t lease);
// kv/put bound to `lease` (0: no lease, and no "lease" member).
std::string put_body(std::string_view key, std::string_view value, int64_t lease);
std::string range_prefix_body(std::string_view prefix);      // kv/range over the prefix
std::string delete_body(std::string_view key);               // kv/deleterange of one key
// watch: the prefix from `start_revision`, with each event's previous value.
std::string watch_body(std::string_view prefix, int64_t start_revision);
std::string authenticate_body(std::string_view user, std::string_view password);

// ---- answers -------------------------------------------------------------
struct KeyValue {
    std::string key;
    std::string value;
    int64_t create_revision = 0;
    int64_t mod_revision = 0;
    int64_t lease = 0;
};

struct Lease {
    int64_t id = 0;
    int64_t ttl = 0;
};

struct TxnResult {
    bool succeeded = false;
    int64_t revision = 0;
    std::vector<KeyValue> existing;  // failure branch: what the range found
};

struct RangeResult {
    int64_t revision = 0;  // the store's revision when it was read
    std::vector<KeyValue> kvs;
    bool more = false;
};

struct WatchEvent {
    enum class Type : uint8_t { put, remove } type = Type::put;
    KeyValue kv;
    std::optional<KeyValue> prev_kv;
};

struct WatchMessage {
    bool created = false;
    bool canceled = false;
    int64_t watch_id = 0;
    int64_t revision = 0;           // header.revision
    int64_t compact_revision = 0;   // > 0 on a cancel: that revision is gone, list again
    std::string cancel_reason;
    std::vector<WatchEvent> events;
};

Result<Lease> parse_grant(std::string_view body);
// A lease's TTL after a renewal; nullopt when etcd no longer knows the lease
// (answered without TTL): grant a new one and write again.
Result<std::optional<int64_t>> parse_keepalive(std::string_view body);
Result<TxnResult> parse_txn(std::string_view body);
Result<RangeResult> parse_range(std::string_view body);
Result<int64_t> parse_header_revision(std::string_view body);  // put, deleterange, revoke
Result<std::string> parse_token(std::string_view body);        // auth/authenticate
// One line of the watch stream (the chunked framing and the line split done).
Result<WatchMessage> parse_watch_line(std::string_view line);

// An error answer: {"error":"...","message":"...","code":5} (one-shot
// calls) or {"error":{"grpc_code":5,"http_code":404,"message":"..."}}
// (streams). `what` is etcd's message.
struct GatewayError {
    std::string what;
    int code = 0;  // gRPC code: 5 not found, 11 out of range (compacted), 16 unauthenticated
};
std::optional<GatewayError> parse_error(std::string_view body);

// "etcd 127.0.0.1:2379: lease/keepalive: requested lease not found (404,
// code 5)"; a body that is not an error object is quoted, at most 200 bytes:
// "etcd E: kv/range: HTTP 502: 'Bad Gateway'".
std::string describe_failure(std::string_view endpoint, std::string_view call, int status, std::string_view body);

// A registry value: the entry's JSON, which must be an object. Error: why not.
Result<json::Value> entry_value(const KeyValue& kv);
// The entries of a range in creation order (create_revision, then key);
// values that are not entries are left out, their keys and problems in `skipped`.
std::vector<json::Value> entries_in_order(const std::vector<KeyValue>& kvs,
                                          std::vector<std::pair<std::string, std::string>>* skipped = nullptr);

// Helpers for the JSON the gateway sends, exposed for the tests: an int64
// member given as a string or a number (absent: 0).
Result<int64_t> int64_member(const json::Value& object, std::string_view name);

}  // namespace registry::etcd
