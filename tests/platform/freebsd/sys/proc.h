// FreeBSD 14 <sys/proc.h>: the legacy process states that kinfo_proc.ki_stat holds.
#ifndef PEER_PLAN_FAKE_SYS_PROC_H
#define PEER_PLAN_FAKE_SYS_PROC_H

#define SIDL 1
#define SRUN 2
#define SSLEEP 3
#define SSTOP 4
#define SZOMB 5
#define SWAIT 6
#define SLOCK 7

#endif
