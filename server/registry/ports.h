// Which TCP ports a process tree listens on: what `peer-plan run` turns into
// registry entries and `peer-plan doctor` checks an entry against. The
// kernel-specific part is listening_ports(), defined by ports_linux.cpp
// (/proc) or ports_bsd.cpp (proc_pidinfo on macOS, the kern.file sysctl on
// FreeBSD); the parsing of /proc/net/tcp is pure and shared (ports.cpp).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace registry {

struct ListeningPort {
    uint16_t port = 0;
    int64_t pid = 0;  // the process holding the listening socket
    bool operator==(const ListeningPort&) const = default;
};

// Every TCP port in LISTEN state on a socket held by `root` or any of its
// descendants, each port once (IPv4 and IPv6 listeners on one port are one),
// sorted by port. Processes that vanish meanwhile are skipped; an empty list
// when root is gone.
std::vector<ListeningPort> listening_ports(int64_t root);

// The descendants of `root` (children, their children, ...), root first.
std::vector<int64_t> process_tree(int64_t root);
// The direct children of `pid` (defined per kernel, beside listening_ports()).
std::vector<int64_t> child_processes(int64_t pid);

// /proc/net/tcp and /proc/net/tcp6: the sockets in state LISTEN (0A), as
// (inode, local port). The header line and malformed lines are skipped.
struct ProcTcpListener {
    uint64_t inode = 0;
    uint16_t port = 0;
    bool operator==(const ProcTcpListener&) const = default;
};
std::vector<ProcTcpListener> parse_proc_net_tcp(std::string_view text);

// "socket:[12345]" (a /proc/<pid>/fd link) -> 12345; 0 for anything else.
uint64_t parse_socket_link(std::string_view link);

}  // namespace registry
