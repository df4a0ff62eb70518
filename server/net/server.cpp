#include "net/server.h"

#include <signal.h>

#include "base/log.h"

namespace net {

Server::Server(loop::EventLoop& loop, Listener listener, Limits limits, Factory factory)
    : loop_(loop),
      listener_(std::move(listener)),
      limits_(limits),
      factory_(std::move(factory)),
      read_scratch_(allocate_bytes(kReadChunk)) {
    // A peer that vanished must cost a failed send(), not the process.
    ::signal(SIGPIPE, SIG_IGN);
}

Server::~Server() {
    loop_.cancel(sweep_timer_);
    if (listener_.fd() >= 0) loop_.forget(listener_.fd());
    for (auto& connection : by_fd_)
        if (connection) loop_.forget(connection->fd());
}

Status Server::start() {
    buffer_memory.limit = limits_.max_memory;
    Status st = loop_.watch(listener_.fd(), loop::kReadable, this);
    if (!st.ok()) return st;
    sweep_timer_ = loop_.every(limits_.tick_ms, [this] { sweep(); });
    return Ok{};
}

void Server::on_event(const loop::Event&) noexcept {
    // Bounded, so a flood of connects cannot starve the clients already here.
    for (int i = 0; i < 64 && !accept_paused_; ++i) {
        std::string error;
        UniqueFd fd = listener_.accept(&error);
        if (!fd) {
            if (!error.empty()) {
                // Usually EMFILE: the socket stays readable, so stop watching it
                // until a connection closes instead of spinning.
                base::client_event("warning: " + error + "; pausing accept until a connection closes");
                accept_paused_ = true;
                loop_.forget(listener_.fd());
            }
            return;
        }
        if (live_ >= limits_.max_connections) continue;  // fd closes here: refused
        int raw = fd.get();
        auto connection = factory_(*this, std::move(fd));
        if (static_cast<size_t>(raw) >= by_fd_.size()) by_fd_.resize(raw + 1);
        Connection& started = *connection;
        by_fd_[raw] = std::move(connection);
        ++live_;
        if (Status st = started.start(); !st.ok()) {
            base::warn(st.error().message);
            started.abort();
        }
    }
}

void Server::remove(Connection& connection) noexcept {
    int fd = connection.fd();
    // The loop keeps the object (and its fd) alive until the batch ends.
    loop_.retire(fd, std::move(by_fd_[fd]));
    --live_;
    resume_accepting();
    if (shutting_down_ && live_ == 0) loop_.defer([this] { report_stopped(); });
}

void Server::resume_accepting() noexcept {
    if (!accept_paused_ || shutting_down_) return;
    accept_paused_ = false;
    (void)loop_.watch(listener_.fd(), loop::kReadable, this);
}

void Server::sweep() noexcept {
    int64_t now = loop_.now_ms();
    for (auto& connection : by_fd_) {
        if (!connection) continue;
        if (connection->deadline() != 0 && now >= connection->deadline()) connection->expire(now);
        else connection->release_idle_buffers();
    }
    resume_accepting();  // EMFILE may have passed without any close
    if (shutting_down_ && live_ > 0 && now >= shutdown_deadline_) {
        // abort() retires the connection, which empties its slot.
        for (auto& connection : by_fd_)
            if (connection) connection->abort();
    }
}

void Server::report_stopped() noexcept {
    if (!on_stopped_) return;
    auto done = std::move(on_stopped_);
    on_stopped_ = nullptr;
    done();
}

void Server::shutdown(int64_t grace_ms, std::function<void()> done) {
    if (shutting_down_) return;
    shutting_down_ = true;
    shutdown_deadline_ = loop_.now_ms() + grace_ms;
    on_stopped_ = std::move(done);
    loop_.forget(listener_.fd());
    listener_.close();
    for (auto& slot : by_fd_) {
        if (!slot || slot->closing()) continue;
        // shut_down() may abort(), which retires the object (alive until the
        // batch ends) and empties this slot.
        slot->shut_down();
    }
    // `done` runs when the batch ends, once no connection is left.
    if (live_ == 0) loop_.defer([this] { report_stopped(); });
}

}  // namespace net
