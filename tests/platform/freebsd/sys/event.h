// FreeBSD 14 <sys/event.h>, the part poller_kqueue.cpp and watcher_kqueue.cpp use (see ../../README.md).
#ifndef PEER_PLAN_FAKE_SYS_EVENT_H
#define PEER_PLAN_FAKE_SYS_EVENT_H

#include <stdint.h>

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_VNODE (-4)
#define EVFILT_PROC (-5)

struct kevent {
    uintptr_t ident;        // __uintptr_t in FreeBSD
    short filter;
    unsigned short flags;
    unsigned int fflags;
    int64_t data;           // __int64_t since FreeBSD 12
    void* udata;
    uint64_t ext[4];
};

// The C++ (pre-C99) form: the pointer is evaluated once, as in EV_SET(&changes[n++], ...).
#define EV_SET(kevp_, a, b, c, d, e, f) \
    do {                                \
        struct kevent* kevp = (kevp_);  \
        (kevp)->ident = (a);            \
        (kevp)->filter = (b);           \
        (kevp)->flags = (c);            \
        (kevp)->fflags = (d);           \
        (kevp)->data = (e);             \
        (kevp)->udata = (f);            \
        (kevp)->ext[0] = 0;             \
        (kevp)->ext[1] = 0;             \
        (kevp)->ext[2] = 0;             \
        (kevp)->ext[3] = 0;             \
    } while (0)

#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_EOF 0x8000
#define EV_ERROR 0x4000

// fflags of EVFILT_VNODE and EVFILT_PROC (watcher_kqueue.cpp)
#define NOTE_DELETE 0x0001
#define NOTE_WRITE 0x0002
#define NOTE_EXTEND 0x0004
#define NOTE_ATTRIB 0x0008
#define NOTE_LINK 0x0010
#define NOTE_RENAME 0x0020
#define NOTE_REVOKE 0x0040
#define NOTE_EXIT 0x80000000

struct timespec;

#ifdef __cplusplus
extern "C" {
#endif
int kqueue(void);
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist, int nevents,
           const struct timespec* timeout);
#ifdef __cplusplus
}
#endif

#endif
