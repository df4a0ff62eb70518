// Linux: a process's children are listed in /proc/<pid>/task/<tid>/children
// (one file per thread, since any thread may fork); its sockets are the
// "socket:[inode]" links in /proc/<pid>/fd; the listening ones are the
// inodes in state 0A in /proc/net/tcp and /proc/net/tcp6. Only our own
// processes' fd folders are readable, which is all `peer-plan run` needs.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
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

}  // namespace

std::vector<int64_t> process_tree(int64_t root) {
    std::vector<int64_t> tree{root};
    for (size_t i = 0; i < tree.size() && tree.size() < 100'000; ++i)
        for (int64_t child : children_of(tree[i]))
            if (std::find(tree.begin(), tree.end(), child) == tree.end()) tree.push_back(child);
    return tree;
}

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
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        for (const ProcTcpListener& listener : parse_proc_net_tcp(read_small_file(table))) {
            auto owner = socket_owner.find(listener.inode);
            if (owner == socket_owner.end()) continue;
            if (std::none_of(out.begin(), out.end(), [&](const ListeningPort& p) { return p.port == listener.port; }))
                out.push_back({listener.port, owner->second});
        }
    }
    std::sort(out.begin(), out.end(), [](const ListeningPort& a, const ListeningPort& b) { return a.port < b.port; });
    return out;
}

}  // namespace registry
