// Calls to etcd's v3 JSON gateway over net::HttpClient, on the loop
// (issue 14): POST /v3/<call>, one call at a time, with
// - failover: a connection failure, a timeout or a 5xx answer moves on to
//   the next endpoint of the list (each endpoint once per call); the
//   endpoint that answered last is tried first next time;
// - auth: with a user in the URL, auth/authenticate first and the token
//   sent as `Authorization: <token>`; a 401 "invalid auth token" (etcd
//   restarted, token expired) authenticates once more and repeats the call;
// - bounded time: every attempt is bounded by the client's connect and
//   response timeouts (a stream's head only).
// Errors say what and where: "etcd 127.0.0.1:2379: lease/keepalive:
// etcdserver: requested lease not found (404, code 5)"; when every endpoint
// failed, each one's reason, joined by "; ".
//
// Completions are delivered from a timer at the loop's next turn, never from
// inside the HTTP client, so a completion may destroy the EtcdClient (or its
// owner). Stream lines are delivered as they arrive: on_line must not destroy it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/one_shot.h"
#include "base/result.h"
#include "http/response_parser.h"
#include "loop/event_loop.h"
#include "net/http_client.h"
#include "registry/etcd_url.h"

namespace app {

struct EtcdClientOptions {
    int64_t connect_timeout_ms = 1000;
    int64_t response_timeout_ms = 2000;
};

using EtcdDone = std::function<void(Result<std::string> body)>;  // the 200 answer's body

class EtcdStreamHandler {
public:
    virtual void on_line(std::string_view line) noexcept = 0;  // one JSON message
    virtual void on_end(const Error& why) noexcept = 0;        // the stream ended or failed
protected:
    ~EtcdStreamHandler() = default;
};

class EtcdClient final : private net::HttpResponseHandler {
public:
    // `password` is used only when target.user is set.
    EtcdClient(loop::EventLoop& loop, registry::EtcdTarget target, std::string password,
               EtcdClientOptions options = {});
    ~EtcdClient();
    EtcdClient(const EtcdClient&) = delete;
    EtcdClient& operator=(const EtcdClient&) = delete;

    // POST /v3/<call> with `body`; `done` gets the body of the 200 answer or
    // the error. A call while busy() fails at once (through `done`).
    void call(std::string call, std::string body, EtcdDone done);
    // The same for an endless answer (watch): its lines go to `handler`
    // (which must outlive the stream) until on_end.
    void stream(std::string call, std::string body, EtcdStreamHandler& handler);
    // Drops the call in flight; nothing more is called for it.
    void cancel() noexcept;

    bool busy() const noexcept { return active_; }
    const registry::EtcdTarget& target() const noexcept { return target_; }
    // The endpoint the next call goes to first, "127.0.0.1:2379".
    std::string endpoint() const { return clients_.empty() ? "-" : clients_[current_]->endpoint(); }

private:
    void start(std::string call, std::string body, EtcdDone done, EtcdStreamHandler* stream);
    void attempt() noexcept;
    void send(std::string_view path, const std::string& body) noexcept;
    void next_endpoint(std::string why) noexcept;
    void complete(Result<std::string> result) noexcept;
    void on_head(const http::Response& head) noexcept override;
    void on_body(std::string_view piece) noexcept override;
    void on_done() noexcept override;
    void on_error(const Error& error) noexcept override;

    loop::EventLoop& loop_;
    registry::EtcdTarget target_;
    std::string password_;
    std::vector<std::unique_ptr<net::HttpClient>> clients_;  // one per endpoint
    size_t current_ = 0;
    std::string token_;

    // The call in flight.
    bool active_ = false;
    bool authenticating_ = false;  // the request out is auth/authenticate
    bool auth_retried_ = false;
    std::string call_, body_;
    EtcdDone done_;
    EtcdStreamHandler* stream_ = nullptr;
    size_t tried_ = 0;             // endpoints that failed during this call
    std::vector<std::string> failures_;
    int status_ = 0;
    std::string answer_;           // the body so far (not for a stream's 200)
    http::LineSplitter lines_;  // a stream's lines (up to 16 MiB each)
    OneShot later_;
};

// A wait doubling from `first_ms` up to `max_ms` with each grow(), 0 after reset().
class DoublingDelay {
public:
    DoublingDelay(int64_t first_ms, int64_t max_ms) : first_ms_(first_ms), max_ms_(max_ms) {}
    int64_t grow() noexcept { return ms_ = ms_ == 0 ? first_ms_ : std::min(ms_ * 2, max_ms_); }
    void reset() noexcept { ms_ = 0; }
    int64_t ms() const noexcept { return ms_; }

private:
    int64_t first_ms_, max_ms_;
    int64_t ms_ = 0;
};

// What a long-lived user of etcd (the registrar, the follower) says about
// reaching it: its first outcome once, each outage once when it begins and
// once when it ends; and how long to wait before the next try, doubling from
// `first_ms` up to `max_ms` while it fails, 0 again after a success.
class Reachability {
public:
    enum class Turn : uint8_t { none, first, down, back };
    Reachability(int64_t first_ms, int64_t max_ms) : backoff_(first_ms, max_ms) {}
    // first (the first outcome), back (an outage ended) or none.
    Turn succeeded() noexcept {
        backoff_.reset();
        if (!first_done_) return first_done_ = true, Turn::first;
        if (outage_) return outage_ = false, Turn::back;
        return Turn::none;
    }
    // first (nothing is retried after a failed first outcome), else down (an
    // outage began) or none, with backoff_ms() grown for the retry.
    Turn failed() noexcept {
        if (!first_done_) return first_done_ = true, Turn::first;
        backoff_.grow();
        if (outage_) return Turn::none;
        outage_ = true;
        return Turn::down;
    }
    bool down() const noexcept { return outage_; }
    int64_t backoff_ms() const noexcept { return backoff_.ms(); }

private:
    DoublingDelay backoff_;
    bool first_done_ = false;
    bool outage_ = false;
};

}  // namespace app
