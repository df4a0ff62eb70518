// Owns one file descriptor; closes it exactly once.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "base/result.h"

class UniqueFd {
public:
    explicit UniqueFd(int fd = -1) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

// Every descriptor the servers hold is non-blocking and closed on exec.
inline Status set_nonblocking_cloexec(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return sys_error("fcntl(O_NONBLOCK)");
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return sys_error("fcntl(FD_CLOEXEC)");
    return Ok{};
}
