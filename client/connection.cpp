#include "connection.h"

#include <utility>

namespace client {

std::string_view status_name(Status status) noexcept {
    switch (status) {
        case Status::connecting: return "connecting";
        case Status::connected: return "connected";
        case Status::disconnected: return "disconnected";
        case Status::none: return "none";
    }
    return "disconnected";
}

std::string_view status_label(Status status) noexcept {
    switch (status) {
        case Status::connecting: return "Connecting";
        case Status::connected: return "Connected";
        case Status::disconnected: return "Disconnected";
        case Status::none: return "No WebSocket";
    }
    return "Disconnected";
}

std::string describe_close(uint16_t code, std::string_view reason, bool was_open) {
    // Browsers report every failed connect and every dropped TCP connection as
    // 1006 and hide the cause, so the only useful fact is whether it ever opened.
    if (code == 1006 || code == 0) return was_open ? "connection lost" : "could not connect";
    std::string text;
    switch (code) {
        case 1000: text = "closed normally"; break;
        case 1001: text = "server going away"; break;
        case 1002: text = "protocol error"; break;
        case 1003: text = "unsupported data"; break;
        case 1007: text = "invalid message data"; break;
        case 1008: text = "policy violation"; break;
        case 1009: text = "message too big"; break;
        case 1011: text = "server error"; break;
        default: text = "closed"; break;
    }
    text += " (" + std::to_string(code) + ")";
    if (!reason.empty()) text += ": " + std::string(reason);
    return text;
}

void Connection::start_attempt(SocketId socket, double now_ms) noexcept {
    status_ = Status::connecting;
    socket_ = socket;
    since_ms_ = now_ms;
    ++attempts_;
}

void Connection::opened(double now_ms) noexcept {
    status_ = Status::connected;
    since_ms_ = now_ms;
    failures_ = 0;
    problem_.clear();
}

double Connection::closed(std::string problem, double now_ms, double random01,
                          const Backoff& backoff) noexcept {
    status_ = Status::disconnected;
    socket_ = 0;
    since_ms_ = now_ms;
    problem_ = std::move(problem);
    ++failures_;
    double delay = backoff.delay_ms(failures_, random01);
    retry_at_ms_ = now_ms + delay;
    return delay;
}

bool Connection::retry_due(double now_ms) const noexcept {
    return status_ == Status::disconnected && now_ms >= retry_at_ms_;
}

bool Connection::connect_overdue(double now_ms, double limit_ms) const noexcept {
    return status_ == Status::connecting && now_ms - since_ms_ >= limit_ms;
}

}  // namespace client
