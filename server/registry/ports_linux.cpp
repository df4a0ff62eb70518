// Linux: a process's children are listed in /proc/<pid>/task/<tid>/children
// (one file per thread, since any thread may fork); its sockets are the
// "socket:[inode]" links in /proc/<pid>/fd; the listening ones are the
// inodes in state 0A in /proc/net/tcp and /proc/net/tcp6. Only our own
// processes' fd folders are readable, which is all `peer-plan run` needs.
// The same table comes cheaper from NETLINK_SOCK_DIAG asked for LISTEN only:
// the kernel then walks just the listening hash, where reading /proc/net/tcp
// walks every bucket of the established hash too (measured here: about 12 ms
// per file on a loaded 2-core machine, against well under 1 ms). /proc is
// the fallback when netlink is not available.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
#include <optional>
#include <string>

#include "base/unique_fd.h"
#include "registry/ports.h"

namespace registry {
namespace {

std::string read_small_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::string text;
    if (!fd) return text;
    char buffer[16 * 1024];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0 || text.size() > (64u << 20)) return text;
        text.append(buffer, static_cast<size_t>(got));
    }
}

// Calls f(name) for every entry of a folder but "." and "..".
template <class F>
void for_each_name(const std::string& folder, F f) {
    DIR* dir = ::opendir(folder.c_str());
    if (!dir) return;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..") f(name);
    }
    ::closedir(dir);
}

std::vector<int64_t> children_of(int64_t pid) {
    std::vector<int64_t> out;
    const std::string task = "/proc/" + std::to_string(pid) + "/task";
    for_each_name(task, [&](std::string_view tid) {
        const std::string text = read_small_file(task + "/" + std::string(tid) + "/children");
        const char* p = text.data();
        const char* end = p + text.size();
        while (p < end) {
            int64_t child = 0;
            auto [next, ec] = std::from_chars(p, end, child);
            if (ec == std::errc() && child > 0) out.push_back(child);
            p = next == p ? p + 1 : next;
        }
    });
    return out;
}

constexpr unsigned kTcpListen = 10;  // TCP_LISTEN in the kernel's tcp_states.h

// Every listening TCP socket (IPv4 and IPv6) as (inode, port); nullopt when
// the kernel will not answer, so that the caller falls back to /proc.
std::optional<std::vector<ProcTcpListener>> netlink_listeners() {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!fd) return std::nullopt;
    std::vector<ProcTcpListener> out;
    for (int family : {AF_INET, AF_INET6}) {
        struct {
            nlmsghdr header;
            inet_diag_req_v2 request;
        } message{};
        message.header.nlmsg_len = sizeof message;
        message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        message.header.nlmsg_seq = static_cast<uint32_t>(family);
        message.request.sdiag_family = static_cast<uint8_t>(family);
        message.request.sdiag_protocol = IPPROTO_TCP;
        message.request.idiag_states = 1u << kTcpListen;
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        if (::sendto(fd.get(), &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) !=
            static_cast<ssize_t>(sizeof message))
            return std::nullopt;
        alignas(nlmsghdr) char buffer[32 * 1024];
        for (bool done = false; !done;) {
            ssize_t length = ::recv(fd.get(), buffer, sizeof buffer, 0);
            if (length < 0 && errno == EINTR) continue;
            if (length <= 0) return std::nullopt;
            for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, length); h = NLMSG_NEXT(h, length)) {
                if (h->nlmsg_type == NLMSG_DONE) {
                    done = true;
                    break;
                }
                if (h->nlmsg_type == NLMSG_ERROR) return std::nullopt;
                if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
                const auto* socket = reinterpret_cast<const inet_diag_msg*>(NLMSG_DATA(h));
                if (socket->idiag_state == kTcpListen && socket->idiag_inode != 0)
                    out.push_back({socket->idiag_inode, ntohs(socket->id.idiag_sport)});
            }
        }
    }
    return out;
}

std::vector<ProcTcpListener> all_listeners() {
    if (auto listeners = netlink_listeners()) return std::move(*listeners);
    std::vector<ProcTcpListener> out;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"})
        for (const ProcTcpListener& listener : parse_proc_net_tcp(read_small_file(table))) out.push_back(listener);
    return out;
}

}  // namespace

std::vector<int64_t> child_processes(int64_t pid) { return children_of(pid); }

std::vector<ListeningPort> listening_ports(int64_t root) {
    std::map<uint64_t, int64_t> socket_owner;  // inode -> pid
    char link[64];
    for (int64_t pid : process_tree(root)) {
        const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
        for_each_name(fds, [&](std::string_view fd) {
            const std::string path = fds + "/" + std::string(fd);
            const ssize_t n = ::readlink(path.c_str(), link, sizeof link);
            if (n <= 0 || static_cast<size_t>(n) >= sizeof link) return;
            if (uint64_t inode = parse_socket_link(std::string_view(link, static_cast<size_t>(n))))
                socket_owner.emplace(inode, pid);
        });
    }
    std::vector<ListeningPort> out;
    if (socket_owner.empty()) return out;  // the common case while a server starts: no need to read the tables
    for (const ProcTcpListener& listener : all_listeners()) {
        auto owner = socket_owner.find(listener.inode);
        if (owner == socket_owner.end()) continue;
        if (std::none_of(out.begin(), out.end(), [&](const ListeningPort& p) { return p.port == listener.port; }))
            out.push_back({listener.port, owner->second});
    }
    std::sort(out.begin(), out.end(), [](const ListeningPort& a, const ListeningPort& b) { return a.port < b.port; });
    return out;
}

}  // namespace registry
