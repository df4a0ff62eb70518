// macOS (XNU bsd/sys/proc.h): struct extern_proc, its leading fields in the
// real order (the start time sits in a union, reached through a macro), and
// the p_stat values.
#ifndef PEER_PLAN_FAKE_SYS_PROC_H
#define PEER_PLAN_FAKE_SYS_PROC_H

#include <sys/time.h>
#include <sys/types.h>

struct proc;
struct vmspace;
struct sigacts;
struct session;

struct extern_proc {
    union {
        struct {
            struct proc* __p_forw;
            struct proc* __p_back;
        } p_st1;
        struct timeval __p_starttime;  // process start time
    } p_un;
#define p_forw p_un.p_st1.__p_forw
#define p_back p_un.p_st1.__p_back
#define p_starttime p_un.__p_starttime
    struct vmspace* p_vmspace;
    struct sigacts* p_sigacts;
    int p_flag;
    char p_stat;  // S* process status
    pid_t p_pid;
    pid_t p_oppid;
};

#define SIDL 1
#define SRUN 2
#define SSLEEP 3
#define SSTOP 4
#define SZOMB 5

#endif
