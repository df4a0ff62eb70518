// Declarations for `make platform-check` only: FreeBSD's struct kinfo_proc
// (<sys/user.h>), the members server/registry/*_bsd.cpp read.
#pragma once
#include <sys/time.h>
#include <sys/types.h>
#define SZOMB 5
struct kinfo_proc {
    int ki_structsize;
    pid_t ki_pid;
    pid_t ki_ppid;
    struct timeval ki_start;
    char ki_stat;
};
