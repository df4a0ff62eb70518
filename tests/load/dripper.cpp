#include "dripper.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "../integration/harness.h"
#include "child.h"

namespace load {

Dripper::Dripper(uint16_t port, size_t count, std::string request, int interval_ms, int give_up_ms)
    : request_(std::move(request)) {
    for (size_t i = 0; i < count; ++i) {
        Conn c;
        c.fd = harness::connect_to(port);
        if (!c.fd) break;
        c.opened_ms = monotonic_ms();
        conns_.push_back(std::move(c));
    }
    open_ = static_cast<int>(conns_.size());
    int64_t give_up = monotonic_ms() + give_up_ms;
    thread_ = std::thread([this, interval_ms, give_up] { run(interval_ms, give_up); });
}

Dripper::~Dripper() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void Dripper::run(int interval_ms, int64_t give_up) {
    while (!stop_ && open_ > 0 && monotonic_ms() < give_up) {
        for (Conn& c : conns_) {
            if (c.closed_ms) continue;
            char chunk[512];
            ssize_t n;
            while ((n = ::recv(c.fd.get(), chunk, sizeof chunk, MSG_DONTWAIT)) > 0) c.answer.append(chunk, n);
            bool gone = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
            if (!gone && c.sent < request_.size())
                gone = ::send(c.fd.get(), &request_[c.sent++], 1, MSG_NOSIGNAL) != 1;
            if (gone) {
                c.closed_ms = monotonic_ms();
                --open_;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
    }
}

Dripper::Result Dripper::finish(int status) {
    if (thread_.joinable()) thread_.join();
    Result r;
    r.still_open = open_;
    r.shortest_ms = INT64_MAX;
    for (const Conn& c : conns_) {
        int64_t lived = (c.closed_ms ? c.closed_ms : monotonic_ms()) - c.opened_ms;
        r.shortest_ms = std::min(r.shortest_ms, lived);
        r.longest_ms = std::max(r.longest_ms, lived);
        r.most_sent = std::max(r.most_sent, c.sent);
        r.answered += harness::http_status(c.answer) == status;
    }
    if (conns_.empty()) r.shortest_ms = 0;
    conns_.clear();
    return r;
}

}  // namespace load
