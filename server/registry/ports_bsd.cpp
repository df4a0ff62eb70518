// macOS and FreeBSD: the same answers as ports_linux.cpp from the kernels'
// own interfaces.
//   macOS: proc_listpids(PROC_PPID_ONLY) for children, proc_pidinfo
//     (PROC_PIDLISTFDS) for descriptors, proc_pidfdinfo(PROC_PIDFDSOCKETINFO)
//     for a socket's kind, TCP state and local port.
//   FreeBSD: the kern.proc.proc sysctl for parents, kern.file for every open
//     file (its owner pid and socket address), net.inet.tcp.pcblist for the
//     TCP sockets (socket address, state, local port).
// Other BSDs: no answer (an empty list), so `peer-plan run` registers nothing.
#include <sys/types.h>

#include <netinet/in.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#if defined(__APPLE__)
#include <libproc.h>
#include <sys/proc_info.h>
#elif defined(__FreeBSD__)
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/socketvar.h>
#include <sys/sysctl.h>
#include <sys/user.h>
#include <netinet/in_pcb.h>
#include <netinet/tcp_fsm.h>
#include <netinet/tcp_var.h>
#endif

#include "registry/ports.h"

namespace registry {
namespace {

#if defined(__APPLE__)
std::vector<int64_t> children_of(int64_t pid) {
    std::vector<pid_t> pids(256);
    for (;;) {
        const int bytes = ::proc_listpids(PROC_PPID_ONLY, static_cast<uint32_t>(pid), pids.data(),
                                          static_cast<int>(pids.size() * sizeof(pid_t)));
        if (bytes <= 0) return {};
        const size_t count = static_cast<size_t>(bytes) / sizeof(pid_t);
        if (count < pids.size()) return std::vector<int64_t>(pids.begin(), pids.begin() + static_cast<std::ptrdiff_t>(count));
        pids.resize(pids.size() * 2);
    }
}
#elif defined(__FreeBSD__)
template <class T>
std::vector<T> sysctl_table(const int* mib, unsigned length) {
    size_t bytes = 0;
    if (::sysctl(mib, length, nullptr, &bytes, nullptr, 0) != 0) return {};
    std::vector<T> table(bytes / sizeof(T) + 16);
    bytes = table.size() * sizeof(T);
    if (::sysctl(mib, length, table.data(), &bytes, nullptr, 0) != 0) return {};
    table.resize(bytes / sizeof(T));
    return table;
}

std::vector<int64_t> children_of(int64_t pid) {
    const int mib[] = {CTL_KERN, KERN_PROC, KERN_PROC_PROC, 0};
    std::vector<int64_t> out;
    for (const kinfo_proc& process : sysctl_table<kinfo_proc>(mib, 4))
        if (process.ki_ppid == pid) out.push_back(process.ki_pid);
    return out;
}
#else
std::vector<int64_t> children_of(int64_t) { return {}; }
#endif

}  // namespace

std::vector<int64_t> child_processes(int64_t pid) { return children_of(pid); }

std::vector<ListeningPort> listening_ports(int64_t root) {
    std::vector<ListeningPort> out;
    auto add = [&out](uint16_t port, int64_t pid) {
        if (std::none_of(out.begin(), out.end(), [&](const ListeningPort& p) { return p.port == port; }))
            out.push_back({port, pid});
    };
    const std::vector<int64_t> tree = process_tree(root);
#if defined(__APPLE__)
    for (int64_t pid : tree) {
        const int bytes = ::proc_pidinfo(static_cast<int>(pid), PROC_PIDLISTFDS, 0, nullptr, 0);
        if (bytes <= 0) continue;
        std::vector<proc_fdinfo> fds(static_cast<size_t>(bytes) / sizeof(proc_fdinfo) + 16);
        const int got = ::proc_pidinfo(static_cast<int>(pid), PROC_PIDLISTFDS, 0, fds.data(),
                                       static_cast<int>(fds.size() * sizeof(proc_fdinfo)));
        if (got <= 0) continue;
        fds.resize(static_cast<size_t>(got) / sizeof(proc_fdinfo));
        for (const proc_fdinfo& fd : fds) {
            if (fd.proc_fdtype != PROX_FDTYPE_SOCKET) continue;
            socket_fdinfo info {};
            if (::proc_pidfdinfo(static_cast<int>(pid), fd.proc_fd, PROC_PIDFDSOCKETINFO, &info, sizeof info) !=
                static_cast<int>(sizeof info))
                continue;
            if (info.psi.soi_kind != SOCKINFO_TCP || info.psi.soi_proto.pri_tcp.tcpsi_state != TSI_S_LISTEN) continue;
            add(ntohs(static_cast<uint16_t>(info.psi.soi_proto.pri_tcp.tcpsi_ini.insi_lport)), pid);
        }
    }
#elif defined(__FreeBSD__)
    std::vector<std::pair<kvaddr_t, int64_t>> sockets;  // socket address -> owner
    const int file_mib[] = {CTL_KERN, KERN_FILE};
    for (const xfile& file : sysctl_table<xfile>(file_mib, 2))
        if (file.xf_type == DTYPE_SOCKET && std::find(tree.begin(), tree.end(), file.xf_pid) != tree.end())
            sockets.emplace_back(file.xf_data, file.xf_pid);
    if (sockets.empty()) return out;
    size_t bytes = 0;
    if (::sysctlbyname("net.inet.tcp.pcblist", nullptr, &bytes, nullptr, 0) != 0) return out;
    std::vector<char> buffer(bytes + bytes / 4);
    bytes = buffer.size();
    if (::sysctlbyname("net.inet.tcp.pcblist", buffer.data(), &bytes, nullptr, 0) != 0 || bytes < sizeof(xinpgen))
        return out;
    size_t offset = reinterpret_cast<const xinpgen*>(buffer.data())->xig_len;
    while (offset + sizeof(xtcpcb) <= bytes) {
        const auto* tcp = reinterpret_cast<const xtcpcb*>(buffer.data() + offset);
        if (tcp->xt_len < sizeof(xtcpcb)) break;  // the closing xinpgen
        if (tcp->t_state == TCPS_LISTEN)
            for (const auto& [address, pid] : sockets)
                if (address == tcp->xt_inp.xi_socket.xso_so) add(ntohs(tcp->xt_inp.inp_inc.inc_lport), pid);
        offset += tcp->xt_len;
    }
#endif
    std::sort(out.begin(), out.end(), [](const ListeningPort& a, const ListeningPort& b) { return a.port < b.port; });
    return out;
}

}  // namespace registry
