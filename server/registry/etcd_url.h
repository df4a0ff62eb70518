// The etcd registry's address: `etcd://[user@]host:port[,host:port...][/prefix]`
// (SPEC "Registries across machines"). Hosts are numeric IPv4, a bracketed
// IPv6 address or `localhost` (taken as 127.0.0.1): the client never
// resolves names, so nothing here blocks. The port may be left out (etcd's
// 2379). The prefix defaults to /peer-plan; a trailing '/' is dropped. The
// password is never part of the URL (it comes from a file or the environment).
//
// Errors name the bad part: "etcd URL 'etcd://h:x': endpoint 1 'h:x': port
// 'x' is not a number in 1..65535".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace registry {

inline constexpr std::string_view kEtcdScheme = "etcd://";
inline constexpr std::string_view kEtcdDefaultPrefix = "/peer-plan";
inline constexpr uint16_t kEtcdDefaultPort = 2379;

struct EtcdEndpoint {
    std::string host;  // numeric, without brackets: "127.0.0.1", "::1"
    uint16_t port = kEtcdDefaultPort;
    std::string text() const;  // "127.0.0.1:2379", "[::1]:2379"
    friend bool operator==(const EtcdEndpoint&, const EtcdEndpoint&) = default;
};

struct EtcdTarget {
    std::vector<EtcdEndpoint> endpoints;  // at least one, in the order given
    std::string prefix;                   // "/peer-plan": starts with '/', never ends with one
    std::string user;                     // empty: no auth
    std::string servers_prefix() const { return prefix + "/servers/"; }
    std::string key_for(std::string_view id) const { return servers_prefix() + std::string(id); }
};

// True when the --registry value names etcd (starts with "etcd://"), so the
// caller picks the etcd backend and reports parse errors from it.
bool is_etcd_url(std::string_view value) noexcept;

Result<EtcdTarget> parse_etcd_url(std::string_view url);

}  // namespace registry
