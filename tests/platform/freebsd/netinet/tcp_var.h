// Declarations for `make platform-check` only: FreeBSD's struct xtcpcb
// (<netinet/tcp_var.h>), the members ports_bsd.cpp reads.
#pragma once
#include <netinet/in_pcb.h>
#include <stdint.h>
struct xtcpcb {
    ksize_t xt_len;
    struct xinpcb xt_inp;
    int32_t t_state;
};
