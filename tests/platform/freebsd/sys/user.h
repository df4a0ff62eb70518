// FreeBSD 14 <sys/user.h>: struct kinfo_proc, the fields process_bsd.cpp reads
// and a few around them, in the real order and types (the real struct has many
// more, so sizeof differs: this header is for compiling, never for running).
#ifndef PEER_PLAN_FAKE_SYS_USER_H
#define PEER_PLAN_FAKE_SYS_USER_H

#include <sys/time.h>
#include <stdint.h>
#include <sys/types.h>

struct kinfo_proc {
    int ki_structsize;
    int ki_layout;
    pid_t ki_pid;
    pid_t ki_ppid;
    uint64_t ki_runtime;
    struct timeval ki_start;      // starting time
    struct timeval ki_childtime;
    long ki_flag;
    long ki_kiflag;
    int ki_traceflag;
    char ki_stat;                 // S* process status (<sys/proc.h>)
    signed char ki_nice;
};

#endif
