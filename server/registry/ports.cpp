#include "registry/ports.h"

#include <algorithm>
#include <charconv>

namespace registry {
namespace {

// The next space-separated field of `line` from *pos.
std::string_view next_field(std::string_view line, size_t* pos) {
    while (*pos < line.size() && line[*pos] == ' ') ++*pos;
    const size_t start = *pos;
    while (*pos < line.size() && line[*pos] != ' ') ++*pos;
    return line.substr(start, *pos - start);
}

}  // namespace

// "  0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 12345 1 ..."
//   sl  local        remote        st tx:rx             tr:when     retrnsmt   uid timeout inode
std::vector<ProcTcpListener> parse_proc_net_tcp(std::string_view text) {
    std::vector<ProcTcpListener> out;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        size_t pos = 0;
        std::string_view fields[10];
        for (std::string_view& field : fields) field = next_field(line, &pos);
        const std::string_view local = fields[1];
        const size_t colon = local.rfind(':');
        if (fields[3] != "0A" || colon == std::string_view::npos) continue;
        unsigned port = 0;
        uint64_t inode = 0;
        const std::string_view port_hex = local.substr(colon + 1);
        auto [port_end, port_ec] = std::from_chars(port_hex.data(), port_hex.data() + port_hex.size(), port, 16);
        auto [inode_end, inode_ec] =
            std::from_chars(fields[9].data(), fields[9].data() + fields[9].size(), inode, 10);
        if (port_ec != std::errc() || port_end != port_hex.data() + port_hex.size() || port == 0 || port > 65535)
            continue;
        if (inode_ec != std::errc() || inode_end != fields[9].data() + fields[9].size() || inode == 0) continue;
        out.push_back({inode, static_cast<uint16_t>(port)});
    }
    return out;
}

uint64_t parse_socket_link(std::string_view link) {
    constexpr std::string_view kPrefix = "socket:[";
    if (link.substr(0, kPrefix.size()) != kPrefix || link.size() < kPrefix.size() + 2 || link.back() != ']') return 0;
    const std::string_view digits = link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1);
    uint64_t inode = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), inode, 10);
    return ec == std::errc() && end == digits.data() + digits.size() ? inode : 0;
}

std::vector<int64_t> process_tree(int64_t root) {
    std::vector<int64_t> tree{root};
    for (size_t i = 0; i < tree.size() && tree.size() < 100'000; ++i)
        for (int64_t child : child_processes(tree[i]))
            if (std::find(tree.begin(), tree.end(), child) == tree.end()) tree.push_back(child);
    return tree;
}

}  // namespace registry
