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

Status Server::start() {
    Status st = loop_.watch(listener_.fd(), loop::kReadable, this);
    if (!st.ok()) return st;
    loop_.every(limits_.tick_ms, [this] { sweep(); });
    loop_.after_batch([this] { after_batch(); });
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
        Status st = loop_.watch(raw, loop::kReadable, connection.get());
        if (!st.ok()) {
            base::warn(st.error().message);
            continue;
        }
        connection->interest_ = loop::kReadable;
        by_fd_[raw] = std::move(connection);
        ++live_;
        by_fd_[raw]->flush();
    }
}

void Server::remove(Connection& connection) noexcept {
    int fd = connection.fd();
    loop_.forget(fd);
    graveyard_.push_back(std::move(by_fd_[fd]));
    --live_;
    if (accept_paused_ && !shutting_down_) {
        accept_paused_ = false;
        (void)loop_.watch(listener_.fd(), loop::kReadable, this);
    }
}

void Server::sweep() noexcept {
    int64_t now = loop_.now_ms();
    for (auto& connection : by_fd_) {
        if (!connection) continue;
        if (connection->deadline_ms_ != 0 && now >= connection->deadline_ms_) connection->expire(now);
        else connection->release_idle_buffers();
    }
    if (accept_paused_ && !shutting_down_) {  // EMFILE may have passed without any close
        accept_paused_ = false;
        (void)loop_.watch(listener_.fd(), loop::kReadable, this);
    }
    if (shutting_down_ && live_ > 0 && now >= shutdown_deadline_) {
        for (auto& connection : by_fd_)
            if (connection && connection->state_ != Connection::State::dead) connection->abort();
    }
}

void Server::after_batch() noexcept {
    graveyard_.clear();
    if (shutting_down_ && live_ == 0 && on_stopped_) {
        auto done = std::move(on_stopped_);
        on_stopped_ = nullptr;
        done();
    }
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
        // on_shutdown() may abort(), which moves the object to the graveyard
        // (alive until the batch ends) and empties this slot.
        Connection& connection = *slot;
        connection.on_shutdown();
        connection.flush();
    }
    // `done` runs from after_batch(), at the end of the current batch.
}

}  // namespace net
