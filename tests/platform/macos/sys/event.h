// macOS (XNU bsd/sys/event.h), the part poller_kqueue.cpp and watcher_kqueue.cpp use (see ../../README.md).
#ifndef PEER_PLAN_FAKE_SYS_EVENT_H
#define PEER_PLAN_FAKE_SYS_EVENT_H

#include <stdint.h>

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)
#define EVFILT_VNODE (-4)
#define EVFILT_PROC (-5)

struct kevent {
    uintptr_t ident;
    short filter;
    unsigned short flags;
    unsigned int fflags;
    intptr_t data;
    void* udata;
};

#define EV_SET(kevp, a, b, c, d, e, f)      \
    do {                                    \
        struct kevent* __kevp__ = (kevp);   \
        __kevp__->ident = (a);              \
        __kevp__->filter = (b);             \
        __kevp__->flags = (c);              \
        __kevp__->fflags = (d);             \
        __kevp__->data = (e);               \
        __kevp__->udata = (f);              \
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
