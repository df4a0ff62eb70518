// A listening TCP socket: bind (port 0 lets the kernel pick), listen, and
// accept non-blocking, close-on-exec connections.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace net {

class Listener {
public:
    // host is a numeric IPv4 or IPv6 address or "localhost".
    static Result<Listener> bind(const std::string& host, uint16_t port, int backlog = 1024);
    int fd() const { return fd_.get(); }
    uint16_t port() const { return port_; }  // the port the kernel really gave
    // A new connection, or an empty UniqueFd when none is waiting (or on a
    // transient error such as EMFILE, reported through `error`).
    UniqueFd accept(std::string* error);
    void close() { fd_.reset(); }

private:
    Listener(UniqueFd fd, uint16_t port) : fd_(std::move(fd)), port_(port) {}
    UniqueFd fd_;
    uint16_t port_;
};

}  // namespace net
