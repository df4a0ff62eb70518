// FreeBSD 14 <sys/sysctl.h>, the part process_bsd.cpp and ports_bsd.cpp use (see ../../README.md).
// struct kinfo_proc is in <sys/user.h> on FreeBSD.
#ifndef PEER_PLAN_FAKE_SYS_SYSCTL_H
#define PEER_PLAN_FAKE_SYS_SYSCTL_H

#include <stddef.h>

#define CTL_KERN 1
#define KERN_PROC 14
#define KERN_FILE 15
#define KERN_PROC_PID 1
#define KERN_PROC_PROC 8

#ifdef __cplusplus
extern "C" {
#endif
int sysctl(const int* name, unsigned int namelen, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
#ifdef __cplusplus
}
#endif

#endif
