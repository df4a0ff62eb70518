// A small HTTP/1.1 client on the event loop, for health probes (issue 11)
// and etcd's JSON gateway (issue 14). One endpoint, one request at a time,
// the connection kept alive between sequential requests. Never blocks and
// never starts a thread: connect, send and receive are driven by the loop,
// and the response is read incrementally through http::ResponseParser.
//
// Every failure is one Error whose message names the endpoint and what
// happened: "127.0.0.1:2379: connection refused", "...: no connection within
// 2000 ms", "...: no response within 2000 ms", "...: connection closed before
// the end of the body (Content-Length)", "...: bad response: status code is
// not three digits".
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "http/response_parser.h"
#include "loop/event_loop.h"
#include "net/buffer.h"

namespace net {

struct HttpRequest {
    std::string method = "GET";
    std::string target = "/";
    // Extra header fields, e.g. {"Authorization", token} for etcd with auth.
    // Host and Content-Length are the client's.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // sent with Content-Length (always for POST and PUT)
    // The answer may never end (etcd's watch): the response timeout then
    // covers only its head, and the body may be silent for as long as it likes.
    bool stream = false;
    // May be sent again on a new connection when a kept-alive one turns out
    // to have been closed by the server before anything of the answer came
    // (RFC 9112 §9.3.1). Default: GET, HEAD, PUT, DELETE, OPTIONS.
    int retry_if_idle_closed = -1;  // -1: by the method; 0 no; 1 yes
};

// What the client reports. Called from the loop, never from inside
// request(); a handler may call request() (from on_done or on_error) or
// cancel(), but must not destroy the client inside a callback.
class HttpResponseHandler {
public:
    // The head; its views are valid during the call only.
    virtual void on_head(const http::Response& head) noexcept = 0;
    // A piece of the body as it arrived (chunked framing removed).
    virtual void on_body(std::string_view piece) noexcept = 0;
    // The response is complete; the connection is kept for the next request
    // when both sides allow it.
    virtual void on_done() noexcept = 0;
    // The request failed; the connection is closed.
    virtual void on_error(const Error& error) noexcept = 0;

protected:
    ~HttpResponseHandler() = default;
};

struct HttpClientOptions {
    int64_t connect_timeout_ms = 2000;
    // From the request's first byte sent until the response is complete (for
    // a stream request: until its head has arrived).
    int64_t response_timeout_ms = 2000;
    http::ResponseLimits limits{};
};

class HttpClient final : public loop::Handler {
public:
    // `host` is a numeric IPv4 or IPv6 address ("127.0.0.1", "::1"); checked
    // by request(). The loop must outlive the client.
    HttpClient(loop::EventLoop& loop, std::string host, uint16_t port, HttpClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Starts `request`; the outcome goes to `handler`, which must outlive it.
    // Fails at once (and calls nothing) when a request is in flight, the
    // address is not numeric or a header cannot be sent. A failure met while
    // starting (a kept-alive connection found dead, and no retry allowed) is
    // reported to `handler` from the loop, at the client's next tick.
    Status request(const HttpRequest& request, HttpResponseHandler& handler) noexcept;
    // Drops the request in flight and its connection; no callback follows.
    void cancel() noexcept;

    bool busy() const noexcept { return handler_ != nullptr; }
    bool connected() const noexcept { return fd_ && state_ != State::connecting; }
    const std::string& endpoint() const noexcept { return endpoint_; }  // "127.0.0.1:2379", "[::1]:2379"

    void on_event(const loop::Event& event) noexcept override;

private:
    enum class State : uint8_t { idle, connecting, sending, receiving };
    Status open() noexcept;
    void connected_now() noexcept;
    void send_some() noexcept;
    void receive() noexcept;
    void parse(bool eof) noexcept;
    void finish() noexcept;
    void fail(std::string what) noexcept;
    void fail_later(std::string what) noexcept;
    bool retry() noexcept;
    void close() noexcept;
    void tick() noexcept;
    void start_ticks();

    loop::EventLoop& loop_;
    std::string host_;
    uint16_t port_;
    std::string endpoint_;
    HttpClientOptions options_;
    sockaddr_storage address_{};
    socklen_t address_length_ = 0;

    UniqueFd fd_;
    State state_ = State::idle;
    HttpResponseHandler* handler_ = nullptr;
    std::string out_;           // the request's bytes
    size_t sent_ = 0;           // of out_
    Buffer in_;                 // what has arrived and the parser has not consumed
    http::ResponseParser parser_;
    bool reused_ = false;       // the request went out on a kept-alive connection
    bool may_retry_ = false;    // ... and may be sent again if that one was closed
    bool answered_ = false;     // a byte of the answer has arrived
    bool stream_ = false;
    bool head_request_ = false;
    int64_t deadline_ms_ = 0;   // 0: none
    std::string pending_error_; // a failure known at once, reported at the next tick
    bool in_request_ = false;   // inside request(): a failure waits for the loop
    uint64_t generation_ = 0;   // changes whenever the request in flight ends
    loop::TimerId timer_ = 0;   // see start_ticks()
};

}  // namespace net
