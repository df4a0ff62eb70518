// Declarations for `make platform-check` only: FreeBSD's <sys/sysctl.h>, the
// calls and names server/registry/*_bsd.cpp use.
#pragma once
#include <stddef.h>
#define CTL_KERN 1
#define KERN_PROC 14
#define KERN_FILE 15
#define KERN_PROC_PID 1
#define KERN_PROC_PROC 8
extern "C" {
int sysctl(const int* name, unsigned int namelen, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, const void* newp, size_t newlen);
}
