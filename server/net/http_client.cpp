#include "net/http_client.h"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/ascii.h"

namespace net {
namespace {

constexpr size_t kReadChunk = 16 * 1024;

bool retries_by_method(std::string_view method) {
    for (std::string_view idempotent : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
        if (method == idempotent) return true;
    return false;
}

std::string errno_text(std::string_view what, int error) { return std::string(what) + ": " + std::strerror(error); }

std::string connect_error(int error) {
    if (error == ECONNREFUSED) return "connection refused";
    return errno_text("connect", error);
}

}  // namespace

HttpClient::HttpClient(loop::EventLoop& loop, std::string host, uint16_t port, HttpClientOptions options)
    : loop_(loop),
      host_(std::move(host)),
      port_(port),
      endpoint_((host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + ":" + std::to_string(port)),
      options_(options),
      parser_(options.limits) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address_);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address_);
    if (::inet_pton(AF_INET, host_.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port_);
        address_length_ = sizeof *v4;
    } else if (::inet_pton(AF_INET6, host_.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port_);
        address_length_ = sizeof *v6;
    }
}

HttpClient::~HttpClient() {
    close();
    loop_.cancel(timer_);
}

// The one place that touches the loop's timers: one tick for the client's
// life, from its first request, cancelled when it is destroyed (a client
// made per request leaves no timer behind).
void HttpClient::start_ticks() {
    if (timer_ != 0) return;
    int64_t shortest = std::min(options_.connect_timeout_ms, options_.response_timeout_ms);
    timer_ = loop_.every(std::clamp<int64_t>(shortest / 4, 5, 250), [this] { tick(); });
}

Status HttpClient::request(const HttpRequest& request, HttpResponseHandler& handler) noexcept {
    if (busy()) return Error{endpoint_ + ": a request is already in flight"};
    if (address_length_ == 0) return Error{endpoint_ + ": not a numeric IPv4 or IPv6 address"};
    if (!http::is_token(request.method)) return Error{endpoint_ + ": method is not a token"};
    if (request.target.empty() || request.target.front() != '/' ||
        request.target.find_first_of(" \r\n") != std::string::npos)
        return Error{endpoint_ + ": request target is not '/path' without spaces"};
    out_ = request.method + " " + request.target + " HTTP/1.1\r\nHost: " + endpoint_ + "\r\n";
    for (const auto& [name, value] : request.headers) {
        if (!http::is_token(name) || base::iequals(name, "Host") || base::iequals(name, "Content-Length"))
            return Error{endpoint_ + ": header '" + name + "' cannot be sent"};
        if (value.find_first_of("\r\n") != std::string::npos)
            return Error{endpoint_ + ": header '" + name + "' has a line break in its value"};
        out_ += name + ": " + value + "\r\n";
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT")
        out_ += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    out_ += "\r\n";
    out_ += request.body;
    sent_ = 0;
    stream_ = request.stream;
    may_retry_ = request.retry_if_idle_closed < 0 ? retries_by_method(request.method) : request.retry_if_idle_closed;
    answered_ = false;
    head_request_ = request.method == "HEAD";
    parser_.expect(head_request_);
    in_.clear();
    start_ticks();
    handler_ = &handler;
    ++generation_;
    reused_ = static_cast<bool>(fd_);
    if (reused_) {
        state_ = State::sending;
        deadline_ms_ = loop::monotonic_ms() + options_.response_timeout_ms;
        in_request_ = true;  // the connection may be dead: fail() waits for the loop
        send_some();
        in_request_ = false;
        return Ok{};
    }
    Status opened = open();
    if (!opened.ok()) handler_ = nullptr;
    return opened;
}

Status HttpClient::open() noexcept {
    UniqueFd fd(::socket(address_.ss_family, SOCK_STREAM, 0));
    if (!fd) return Error{endpoint_ + ": " + sys_error("socket").message};
    Status st = set_nonblocking_cloexec(fd.get());
    if (!st.ok()) return Error{endpoint_ + ": " + st.error().message};
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address_), address_length_);
    // A failure known at once is reported from the loop like any other, so
    // the caller sees every failure the same way.
    if (rc != 0 && errno != EINPROGRESS) pending_error_ = connect_error(errno);
    Status watched = loop_.watch(fd.get(), loop::kWritable, this);
    if (!watched.ok()) return Error{endpoint_ + ": " + watched.error().message};
    fd_ = std::move(fd);
    state_ = State::connecting;
    deadline_ms_ = loop::monotonic_ms() + options_.connect_timeout_ms;
    return Ok{};
}

void HttpClient::connected_now() noexcept {
    state_ = State::sending;
    deadline_ms_ = loop::monotonic_ms() + options_.response_timeout_ms;
    send_some();
}

void HttpClient::send_some() noexcept {
    while (sent_ < out_.size()) {
        ssize_t n = ::send(fd_.get(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
        if (n > 0) {
            sent_ += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        int error = errno;
        if (retry()) return;
        return fail(errno_text("send", error));
    }
    bool done_sending = sent_ == out_.size();
    if (done_sending) state_ = State::receiving;
    // Read while sending too: a server may answer (or close) before it has read it all.
    Status st = loop_.watch(fd_.get(), done_sending ? loop::kReadable : loop::kReadable | loop::kWritable, this);
    if (!st.ok()) fail(st.error().message);
}

void HttpClient::on_event(const loop::Event& event) noexcept {
    if (!fd_) return;
    if (state_ == State::connecting) {
        if (!pending_error_.empty()) return fail(std::exchange(pending_error_, {}));
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
        if (error != 0) return fail(connect_error(error));
        if (!(event.ready & loop::kWritable) && !event.hangup) return;
        return connected_now();
    }
    if (state_ == State::idle) {
        // The server spoke or closed while the kept-alive connection waited:
        // either way it cannot carry the next request.
        return close();
    }
    uint64_t generation = generation_;
    if (event.ready & loop::kReadable) receive();
    if (generation == generation_ && state_ == State::sending && (event.ready & loop::kWritable)) send_some();
}

void HttpClient::receive() noexcept {
    for (int reads = 0; reads < 16; ++reads) {
        uint8_t* into = in_.reserve_tail(kReadChunk);
        if (into == nullptr) return fail("no memory for the response");  // net::Buffer could not grow
        ssize_t n = ::recv(fd_.get(), into, kReadChunk, 0);
        if (n > 0) {
            in_.commit(static_cast<size_t>(n));
            answered_ = true;
            uint64_t generation = generation_;
            parse(false);
            if (generation != generation_ || !fd_) return;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        int error = n < 0 ? errno : 0;
        if (retry()) return;
        if (error != 0 && error != ECONNRESET) return fail(errno_text("recv", error));
        return parse(true);  // the server closed (a reset counts as a close)
    }
}

void HttpClient::parse(bool eof) noexcept {
    uint64_t generation = generation_;
    while (true) {
        http::Step step = parser_.next(in_.view());
        switch (step.got) {
            case http::Got::head:
                if (stream_) deadline_ms_ = 0;
                handler_->on_head(parser_.response());
                break;
            case http::Got::body:
                handler_->on_body(step.body);
                break;
            case http::Got::done:
                in_.consume(step.consumed);
                return finish();
            case http::Got::bad:
                return fail("bad response: " + http::describe(step));
            case http::Got::need_more:
                in_.consume(step.consumed);
                if (!eof) return;
                step = parser_.end_of_input(in_.view());
                if (step.got == http::Got::done) return finish();
                return fail(http::describe(step));
        }
        if (generation != generation_) return;  // the handler cancelled
        in_.consume(step.consumed);
    }
}

void HttpClient::finish() noexcept {
    // Bytes after the response were never asked for: the connection is not reusable.
    bool keep = parser_.response().keep_alive && in_.empty() && state_ == State::receiving;
    HttpResponseHandler* handler = std::exchange(handler_, nullptr);
    ++generation_;
    deadline_ms_ = 0;
    if (keep) {
        state_ = State::idle;
        in_.release();
        if (!loop_.watch(fd_.get(), loop::kReadable, this).ok()) close();
    } else {
        close();
    }
    handler->on_done();
}

// A kept-alive connection the server closed before anything of the answer
// came: the request is sent once more on a new connection, if it may be.
bool HttpClient::retry() noexcept {
    if (!reused_ || answered_ || !may_retry_) return false;
    close();
    reused_ = false;
    sent_ = 0;
    parser_.expect(head_request_);
    Status opened = open();
    if (!opened.ok()) {
        fail(opened.error().message.substr(endpoint_.size() + 2));
        return true;
    }
    return true;
}

void HttpClient::fail(std::string what) noexcept {
    if (in_request_) return fail_later(std::move(what));
    close();
    HttpResponseHandler* handler = std::exchange(handler_, nullptr);
    ++generation_;
    deadline_ms_ = 0;
    if (handler) handler->on_error(Error{endpoint_ + ": " + what});
}

// The caller of request() has not seen it return yet: the error waits for
// the next tick, like a connect() failure known at once.
void HttpClient::fail_later(std::string what) noexcept {
    close();
    pending_error_ = std::move(what);
}

void HttpClient::cancel() noexcept {
    close();
    handler_ = nullptr;
    ++generation_;
    deadline_ms_ = 0;
}

void HttpClient::close() noexcept {
    if (fd_) loop_.forget(fd_.get());
    fd_.reset();
    state_ = State::idle;
    in_.clear();
    in_.release();
    pending_error_.clear();
}

void HttpClient::tick() noexcept {
    if (busy() && !pending_error_.empty()) return fail(std::exchange(pending_error_, {}));
    if (!busy() || deadline_ms_ == 0 || loop::monotonic_ms() < deadline_ms_) return;
    if (state_ == State::connecting)
        return fail("no connection within " + std::to_string(options_.connect_timeout_ms) + " ms");
    fail("no response within " + std::to_string(options_.response_timeout_ms) + " ms");
}

}  // namespace net
