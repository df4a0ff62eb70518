// The whole contract of the readiness backend. Exactly one of poller_epoll.cpp
// (Linux) and poller_kqueue.cpp (BSD, macOS) is compiled; the Makefile picks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace loop {

enum : uint8_t { kReadable = 1, kWritable = 2 };

struct Event {
    int fd;
    uint8_t ready;  // kReadable | kWritable
    bool hangup;    // error or hangup: the read path will find EOF or the error
};

class Poller {
public:
    static Result<Poller> create() noexcept;
    Status watch(int fd, uint8_t interest) noexcept;  // 0 = stop watching
    uint8_t interest(int fd) const noexcept {
        return fd >= 0 && static_cast<size_t>(fd) < interest_.size() ? interest_[fd] : 0;
    }
    // At most one Event per fd; empty on timeout or EINTR. Valid until the next wait().
    Result<std::span<const Event>> wait(int timeout_ms) noexcept;

private:
    explicit Poller(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;                    // the epoll or kqueue descriptor
    std::vector<uint8_t> interest_;  // indexed by fd: what we asked for last
    std::vector<Event> ready_;
};

}  // namespace loop
