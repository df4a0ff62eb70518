// Declarations for `make platform-check` only: FreeBSD's struct xfile (the
// kern.file sysctl's records, <sys/file.h>), the members ports_bsd.cpp reads.
#pragma once
#include <sys/socketvar.h>
#include <sys/types.h>
#define DTYPE_SOCKET 2
struct xfile {
    ksize_t xf_size;
    pid_t xf_pid;
    uid_t xf_uid;
    int xf_fd;
    int _xf_int_pad1;
    kvaddr_t xf_file;
    short xf_type;
    short _xf_short_pad1;
    int xf_count;
    int xf_msgcount;
    int _xf_int_pad2;
    off_t xf_offset;
    kvaddr_t xf_data;
    kvaddr_t xf_vnode;
    unsigned xf_flag;
};
