// Declarations for `make platform-check` only: FreeBSD's <netinet/in_pcb.h>,
// the records of the net.inet.tcp.pcblist sysctl that ports_bsd.cpp reads.
#pragma once
#include <stdint.h>
#include <sys/socketvar.h>
struct in_endpoints {
    uint16_t ie_fport;  // network byte order
    uint16_t ie_lport;  // network byte order
};
struct in_conninfo {
    uint8_t inc_flags;
    uint8_t inc_len;
    uint16_t inc_fibnum;
    struct in_endpoints inc_ie;
};
#define inc_lport inc_ie.ie_lport
struct xinpcb {
    ksize_t xi_len;
    struct xsocket xi_socket;
    struct in_conninfo inp_inc;
};
struct xinpgen {
    ksize_t xig_len;
    unsigned xig_count;
};
