// Declarations for `make platform-check` only: what FreeBSD's headers give
// server/registry/ports_bsd.cpp (the real ones ship with FreeBSD; members we
// do not read are left out).
#pragma once
#include <stdint.h>
typedef uint64_t kvaddr_t;  // <sys/types.h> on FreeBSD
typedef uint64_t ksize_t;
struct xsocket {
    ksize_t xso_len;
    kvaddr_t xso_so;
    kvaddr_t so_pcb;
};
