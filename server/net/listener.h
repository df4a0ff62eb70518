// A listening TCP socket: bind (port 0 lets the kernel pick), listen, and
// accept non-blocking, close-on-exec connections.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "base/result.h"
#include "base/unique_fd.h"

namespace net {

class Listener {
public:
    // host is a numeric IPv4 or IPv6 address or "localhost".
    static Result<Listener> bind(const std::string& host, uint16_t port, int backlog = 1024);
    // bind() without listen(): the port is ours (port() is real) but refuses
    // connections until listen(), e.g. until the server is registered.
    static Result<Listener> reserve(const std::string& host, uint16_t port);
    Status listen(int backlog = 1024);
    int fd() const { return fd_.get(); }
    uint16_t port() const { return port_; }  // the port the kernel really gave
    // A new connection, or an empty UniqueFd when none is waiting (or on a
    // transient error such as EMFILE, reported through `error`).
    UniqueFd accept(std::string* error);
    void close() { fd_.reset(); }
    // Out of descriptors (EMFILE, ENFILE), a connection would wait unanswered
    // in the backlog. With a reply set, one descriptor is kept in reserve:
    // accept() then frees it, accepts, sends `reply` (a 503), closes, takes
    // the reserve back and returns nothing; only when the reserve cannot be
    // had again does it report the error.
    void set_out_of_descriptors_reply(std::string reply);

private:
    Listener(UniqueFd fd, uint16_t port, std::string where)
        : fd_(std::move(fd)), port_(port), where_(std::move(where)) {}
    bool refuse_with_reserve();  // true when one connection got the reply
    UniqueFd fd_;
    uint16_t port_;
    std::string where_;  // "host:port" for error messages
    UniqueFd reserve_;
    std::string reply_;
};

}  // namespace net
