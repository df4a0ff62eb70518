// macOS (XNU bsd/sys/sysctl.h), the part process_bsd.cpp uses (see ../../README.md).
// Unlike FreeBSD, kinfo_proc is here, built from <sys/proc.h>'s extern_proc.
#ifndef PEER_PLAN_FAKE_SYS_SYSCTL_H
#define PEER_PLAN_FAKE_SYS_SYSCTL_H

#include <stddef.h>
#include <sys/proc.h>
#include <sys/types.h>

#define CTL_KERN 1
#define KERN_PROC 14
#define KERN_PROC_PID 1

struct eproc {
    struct proc* e_paddr;
    struct session* e_sess;
};

struct kinfo_proc {
    struct extern_proc kp_proc;
    struct eproc kp_eproc;
};

#ifdef __cplusplus
extern "C" {
#endif
int sysctl(int* name, unsigned int namelen, void* oldp, size_t* oldlenp, void* newp, size_t newlen);
#ifdef __cplusplus
}
#endif

#endif
