// Declarations for `make platform-check` only: the parts of macOS's
// <sys/proc_info.h> that server/registry/ports_bsd.cpp uses. The members are
// the real ones in the real order up to those we read; the rest is left out.
#pragma once
#include <stdint.h>
#define PROC_PPID_ONLY 6
#define PROC_PIDLISTFDS 1
#define PROX_FDTYPE_SOCKET 2
#define PROC_PIDFDSOCKETINFO 3
#define SOCKINFO_TCP 2
#define TSI_S_LISTEN 1
struct proc_fdinfo {
    int32_t proc_fd;
    uint32_t proc_fdtype;
};
struct proc_fileinfo {
    uint32_t fi_openflags;
    uint32_t fi_status;
    int64_t fi_offset;
    int32_t fi_type;
    uint32_t fi_guardflags;
};
struct in_sockinfo {
    int insi_fport;  // network byte order
    int insi_lport;  // network byte order
    uint64_t insi_gencnt;
    uint32_t insi_flags;
    uint32_t insi_flow;
    uint8_t insi_vflag;
    uint8_t insi_ip_ttl;
    uint32_t rfu_1;
};
struct tcp_sockinfo {
    struct in_sockinfo tcpsi_ini;
    int tcpsi_state;
    int tcpsi_timer[4];
    int tcpsi_mss;
    uint32_t tcpsi_flags;
    uint32_t rfu_1;
    uint64_t tcpsi_tp;
};
struct socket_info {
    uint64_t soi_so;
    uint64_t soi_pcb;
    int soi_type;
    int soi_protocol;
    int soi_family;
    int soi_kind;
    uint32_t rfu_1;
    union {
        struct in_sockinfo pri_in;
        struct tcp_sockinfo pri_tcp;
    } soi_proto;
};
struct socket_fdinfo {
    struct proc_fileinfo pfi;
    struct socket_info psi;
};
