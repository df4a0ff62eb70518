// One server's connection state machine. It holds no socket itself: the App
// opens and closes sockets through the Platform and tells the Connection what
// happened, so every transition is plain data that tests can drive.
//
//   connecting --opened--> connected --closed--> disconnected
//   connecting --closed or timed out--> disconnected --retry due--> connecting
//
// Each failure in a row lengthens the wait before the next attempt (Backoff);
// a successful open resets the count. An entry the page opens no socket to
// (has_socket() is false: an http:// url) stays `none`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "backoff.h"
#include "registry.h"

namespace client {

enum class Status { connecting, connected, disconnected, none };
std::string_view status_name(Status status) noexcept;   // "connecting", ...
std::string_view status_label(Status status) noexcept;  // "Connecting", ...

using SocketId = int;  // the platform's handle; 0 means none

// Why a socket ended, in words: "server going away (1001)", "could not connect".
std::string describe_close(uint16_t code, std::string_view reason, bool was_open);

class Connection {
public:
    explicit Connection(ServerInfo info)
        : info_(std::move(info)), status_(has_socket(info_) ? Status::disconnected : Status::none) {}

    const ServerInfo& info() const { return info_; }
    void update_info(ServerInfo info) { info_ = std::move(info); }  // same process: same_process()
    Status status() const { return status_; }
    SocketId socket() const { return socket_; }
    int failures() const { return failures_; }               // in a row, since the last open
    // While connecting: 0 for a first attempt, N for the Nth retry since the last open.
    int retry() const { return failures_; }
    int attempts() const { return attempts_; }               // connection attempts so far
    double since_ms() const { return since_ms_; }            // when the current status began
    double retry_at_ms() const { return retry_at_ms_; }      // when disconnected
    const std::string& problem() const { return problem_; }  // why the last socket ended
    uint64_t sent() const { return sent_; }
    uint64_t echoed() const { return echoed_; }

    // A socket was opened (or failed to open: socket 0, then call closed()).
    void start_attempt(SocketId socket, double now_ms) noexcept;
    void opened(double now_ms) noexcept;
    // The socket is gone; returns the delay before the next attempt.
    double closed(std::string problem, double now_ms, double random01, const Backoff& backoff) noexcept;

    bool retry_due(double now_ms) const noexcept;
    bool connect_overdue(double now_ms, double limit_ms) const noexcept;

    void count_sent() noexcept { ++sent_; }
    void count_echo() noexcept { ++echoed_; }

private:
    ServerInfo info_;
    Status status_ = Status::disconnected;
    SocketId socket_ = 0;
    int failures_ = 0;
    int attempts_ = 0;
    double since_ms_ = 0;
    double retry_at_ms_ = 0;
    std::string problem_;
    uint64_t sent_ = 0;
    uint64_t echoed_ = 0;
};

}  // namespace client
