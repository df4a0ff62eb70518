// The benchmark's load generator: C connections, each keeping P messages of S
// bytes in flight against an echo server, every echo checked byte for byte and
// in order (payload.h says how). Modes:
//   ws    WebSocket client side of RFC 6455: handshake with a checked
//         Sec-WebSocket-Accept, masked frames, pings answered
//   tcp   raw TCP: S bytes out, the same S bytes back (the plain echo reference)
//   http  GET --path on C keep-alive connections, P requests pipelined on each
//   idle  C WebSocket connections that send nothing; reports the server's
//         resident memory per connection (VmRSS after minus before)
// With --pid it reads the server's CPU time (utime + stime) and memory from /proc.
//
// It shares one core with the server it measures, so every cycle it spends
// shows in the figures; hence the least work per message it can do: one thread, one level-triggered epoll loop, one read of up to
// 260 KiB per readable socket, checks done in place in the read buffer, and
// everything queued during a batch of events leaves in one writev per socket
// (small messages copied whole, large ones as iovecs into shared memory). It
// reports its own CPU time per message next to the server's
// (docs/benchmarks.md says what that showed).
#include "loadgen.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace bench {

namespace {

int64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

bool LoadGen::fail(const std::string& what) {
    std::fprintf(stderr, "loadgen: %s\n", what.c_str());
    failed_ = true;
    return false;
}

bool LoadGen::fail(const Conn& c, const std::string& what) {
    return fail("connection " + std::to_string(c.id) + ": " + what);
}

bool LoadGen::open_more() {
    while (opened_ < conns_.size() && opening_ < o_.max_connecting) {
        Conn& c = conns_[opened_];
        c.id = static_cast<uint32_t>(opened_++);
        c.slot_size = kMaxHead + (inline_body() ? payload_.body_size() : 0);
        c.slots.resize(c.slot_size * o_.inflight);
        c.sent_at.resize(o_.inflight);
        c.fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!c.fd) return fail("socket: " + std::string(std::strerror(errno)));
        int one = 1;
        ::setsockopt(c.fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(o_.port));
        if (::inet_pton(AF_INET, o_.host.c_str(), &address.sin_addr) != 1) return fail("bad --host " + o_.host);
        if (::connect(c.fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS)
            return fail(c, "connect: " + std::string(std::strerror(errno)));
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.u32 = c.id;
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c.fd.get(), &event) != 0)
            return fail(c, "epoll_ctl: " + std::string(std::strerror(errno)));
        c.watching_write = true;
        ++opening_;
    }
    return true;
}

bool LoadGen::on_event(Conn& c, uint32_t events) {
    if (c.state == Conn::State::connecting) return on_connected(c);
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && !on_readable(c)) return false;
    if (events & EPOLLOUT) mark_dirty(c);
    return true;
}

bool LoadGen::on_connected(Conn& c) {
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) return fail(c, "connect: " + std::string(std::strerror(error)));
    if (mode_ == Mode::ws || mode_ == Mode::idle) {
        c.state = Conn::State::handshaking;
        start_handshake(c, o_.host, static_cast<uint16_t>(o_.port));
        mark_dirty(c);
    } else {
        c.state = Conn::State::running;
        on_open(c);
    }
    return true;
}

bool LoadGen::on_readable(Conn& c) {
    ssize_t n = ::read(c.fd.get(), read_buffer_.data(), read_buffer_.size());
    if (n > 0) return on_bytes(c, read_buffer_.data(), static_cast<size_t>(n));
    if (n == 0) return fail(c, "the server closed the connection");
    if (errno == EAGAIN || errno == EINTR) return true;
    return fail(c, "read: " + std::string(std::strerror(errno)));
}

bool LoadGen::on_bytes(Conn& c, const uint8_t* data, size_t size) {
    if (c.state == Conn::State::handshaking) {
        size_t used = 0;
        if (std::string problem = feed_handshake(c, data, size, &used); !problem.empty()) return fail(c, problem);
        data += used;
        size -= used;
        if (c.state != Conn::State::running) return true;
        on_open(c);
    }
    uint64_t before = c.received;
    std::string problem = mode_ == Mode::tcp    ? feed_tcp(c, payload_, data, size)
                          : mode_ == Mode::http ? feed_http(c, &expected_body_, data, size)
                                                : feed_ws(c, payload_, mask_key_, data, size);
    if (!problem.empty()) return fail(c, problem);
    if (c.received > c.sent) return fail(c, "more echoes than messages sent");
    for (uint64_t seq = before; seq < c.received; ++seq) on_echo(c, seq);
    if (c.has_output()) mark_dirty(c);
    return true;
}

// Traffic starts once every connection is open: a server busy echoing for the
// first connections could otherwise starve the handshakes of the last ones.
void LoadGen::on_open(Conn&) {
    --opening_;
    if (++open_ < conns_.size()) return;
    all_open_at_ = now_;
    if (mode_ == Mode::idle) return;
    for (Conn& c : conns_)
        for (uint64_t i = 0; i < o_.inflight; ++i) queue_message(c);
}

void LoadGen::on_echo(Conn& c, uint64_t seq) {
    if (seq == 0) ++echoed_;
    if (phase_ == Phase::measure) {
        ++measured_;
        latencies_ns_.push_back(now_ - c.sent_at[seq % o_.inflight]);
    }
    if (phase_ != Phase::done) queue_message(c);
}

void LoadGen::queue_message(Conn& c) {
    uint64_t seq = c.sent++;
    size_t slot = seq % o_.inflight;
    c.sent_at[slot] = now_;
    if (mode_ == Mode::http) {
        c.queue(http_request_.data(), http_request_.size());
    } else {
        uint8_t* head = c.slots.data() + slot * c.slot_size;
        bool ws = mode_ == Mode::ws;
        c.queue(head, payload_.head(seq, c.id, ws, inline_body(), head));
        if (!inline_body() && payload_.body_size() > 0) c.queue(payload_.body(seq, c.id, ws), payload_.body_size());
    }
    mark_dirty(c);
}

void LoadGen::mark_dirty(Conn& c) {
    if (c.dirty) return;
    c.dirty = true;
    dirty_.push_back(c.id);
}

bool LoadGen::flush(Conn& c) {
    c.dirty = false;
    while (c.has_output()) {
        iovec* iov = &c.out[c.out_head];
        int count = static_cast<int>(std::min<size_t>(c.out.size() - c.out_head, 1024));
        size_t want = 0;
        for (int i = 0; i < count; ++i) want += iov[i].iov_len;
        ssize_t n = ::writev(c.fd.get(), iov, count);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        if (n < 0) return fail(c, "writev: " + std::string(std::strerror(errno)));
        for (size_t left = static_cast<size_t>(n); left > 0;) {
            iovec& front = c.out[c.out_head];
            size_t take = std::min(left, front.iov_len);
            front.iov_base = static_cast<uint8_t*>(front.iov_base) + take;
            front.iov_len -= take;
            left -= take;
            if (front.iov_len == 0) ++c.out_head;
        }
        if (static_cast<size_t>(n) < want) break;  // the socket buffer is full
    }
    if (!c.has_output()) {
        c.out.clear();
        c.out_head = 0;
        c.control.clear();
    } else if (c.out_head > 256 && c.out_head * 2 > c.out.size()) {
        c.out.erase(c.out.begin(), c.out.begin() + static_cast<ptrdiff_t>(c.out_head));
        c.out_head = 0;
    }
    return watch(c, c.has_output());
}

bool LoadGen::watch(Conn& c, bool write) {
    if (write == c.watching_write) return true;
    epoll_event event{};
    event.events = write ? EPOLLIN | EPOLLOUT : EPOLLIN;
    event.data.u32 = c.id;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &event) != 0)
        return fail(c, "epoll_ctl: " + std::string(std::strerror(errno)));
    c.watching_write = write;
    return true;
}

bool LoadGen::step() {
    if (open_ < conns_.size() && now_ - start_ > o_.setup_limit_ms * 1'000'000)
        return fail(std::to_string(open_) + " of " + std::to_string(conns_.size()) + " connections open after " +
                    std::to_string(o_.setup_limit_ms / 1000) + " s");
    if (phase_ == Phase::warmup && mode_ != Mode::idle && open_ == conns_.size() && echoed_ < conns_.size() &&
        now_ - all_open_at_ > o_.setup_limit_ms * 1'000'000)
        return fail(std::to_string(conns_.size() - echoed_) + " connections without an echo after " +
                    std::to_string(o_.setup_limit_ms / 1000) + " s");
    if (phase_ == Phase::warmup && mode_ == Mode::idle && open_ == conns_.size()) phase_ = Phase::settle;
    if (phase_ == Phase::settle && now_ - all_open_at_ >= o_.settle_ms * 1'000'000) {
        server_after_ = sample_process(static_cast<int>(o_.pid));
        phase_ = Phase::done;
    }
    if (phase_ == Phase::warmup && echoed_ == conns_.size() && now_ - all_open_at_ >= o_.warmup_ms * 1'000'000) {
        phase_ = Phase::measure;
        measure_start_ = now_;
        server_before_ = sample_process(static_cast<int>(o_.pid));
        own_cpu_before_ = own_cpu_ns();
    }
    if (phase_ == Phase::measure && now_ - measure_start_ >= o_.duration_ms * 1'000'000) {
        measure_end_ = now_;
        server_after_ = sample_process(static_cast<int>(o_.pid));
        own_cpu_after_ = own_cpu_ns();
        phase_ = Phase::done;
    }
    return phase_ != Phase::done;
}

int LoadGen::run() {
    epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) return fail("epoll_create1: " + std::string(std::strerror(errno))), 1;
    conns_.resize(o_.connections);
    http_request_ = "GET " + o_.path + " HTTP/1.1\r\nHost: " + o_.host + ":" + std::to_string(o_.port) + "\r\n\r\n";
    latencies_ns_.reserve(1 << 22);
    server_before_ = sample_process(static_cast<int>(o_.pid));
    now_ = start_ = now_ns();
    std::vector<epoll_event> events(1024);
    while (open_more() && step()) {
        int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), 10);
        if (n < 0 && errno != EINTR) return fail("epoll_wait: " + std::string(std::strerror(errno))), 1;
        now_ = now_ns();
        for (int i = 0; i < n; ++i)
            if (!on_event(conns_[events[i].data.u32], events[i].events)) return 1;
        for (uint32_t id : dirty_)
            if (!flush(conns_[id])) return 1;
        dirty_.clear();
    }
    if (failed_) return 1;
    report();
    return 0;
}

void LoadGen::report() const {
    if (mode_ == Mode::idle) {
        int64_t grown = server_after_.rss_kib - server_before_.rss_kib;
        std::printf("mode=idle conns=%zu rss_before_kib=%lld rss_after_kib=%lld rss_per_conn_b=%.0f setup_s=%.2f\n",
                    conns_.size(), static_cast<long long>(server_before_.rss_kib),
                    static_cast<long long>(server_after_.rss_kib),
                    o_.pid ? grown * 1024.0 / static_cast<double>(conns_.size()) : -1.0,
                    static_cast<double>(all_open_at_ - start_) / 1e9);
        return;
    }
    double seconds = static_cast<double>(measure_end_ - measure_start_) / 1e9;
    size_t message_size = mode_ == Mode::http ? expected_body_.size() : payload_.size();
    std::vector<int64_t> sorted = latencies_ns_;
    auto percentile_us = [&sorted](double q) {
        if (sorted.empty()) return 0.0;
        size_t at = std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())));
        std::nth_element(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(at), sorted.end());
        return sorted[at] / 1000.0;
    };
    double messages = static_cast<double>(std::max<uint64_t>(measured_, 1));
    double server_cpu = static_cast<double>(server_after_.cpu_ns - server_before_.cpu_ns);
    double own_cpu = static_cast<double>(own_cpu_after_ - own_cpu_before_);
    std::printf(
        "mode=%s conns=%zu size=%zu inflight=%llu msgs=%llu secs=%.3f msgs_per_s=%.0f mb_per_s=%.2f "
        "p50_us=%.1f p99_us=%.1f p999_us=%.1f srv_cpu_ns=%.0f gen_cpu_ns=%.0f srv_cpu_pct=%.1f "
        "gen_cpu_pct=%.1f srv_rss_kib=%lld srv_peak_rss_kib=%lld\n",
        o_.mode.c_str(), conns_.size(), message_size,
        static_cast<unsigned long long>(o_.inflight), static_cast<unsigned long long>(measured_), seconds,
        static_cast<double>(measured_) / seconds,
        static_cast<double>(measured_) * static_cast<double>(message_size) / seconds / 1e6,
        percentile_us(0.50), percentile_us(0.99), percentile_us(0.999), o_.pid ? server_cpu / messages : -1.0,
        own_cpu / messages, o_.pid ? 100.0 * server_cpu / (seconds * 1e9) : -1.0, 100.0 * own_cpu / (seconds * 1e9),
        static_cast<long long>(server_after_.rss_kib), static_cast<long long>(server_after_.peak_rss_kib));
}

}  // namespace bench
