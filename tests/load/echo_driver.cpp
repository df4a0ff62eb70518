#include "echo_driver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "child.h"
#include "tests/support/ws_frames.h"

namespace load {

namespace {

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kAccept = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";  // RFC 6455 §1.3

uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t seed_of(size_t client, size_t seq) { return mix((uint64_t{client} << 32) ^ seq); }
bool is_text(size_t client, size_t seq) { return seed_of(client, seq) % 5 == 0; }
// Every 8th message is sent in two fragments with a ping between them: the
// server must answer the ping at once and echo the message whole after.
bool is_fragmented(size_t client, size_t seq) { return (seed_of(client, seq) >> 8) % 8 == 0; }
std::string ping_payload(size_t seq) { return "ping " + std::to_string(seq); }

// first_byte: FIN and opcode; the key is drawn from key_seed.
std::string masked(uint8_t first_byte, std::string_view payload, uint64_t key_seed) {
    return support::masked_frame(first_byte, payload, static_cast<uint32_t>(mix(key_seed)));
}

enum class Phase { waiting, connecting, handshake, ready, echo, closing, done, failed };

struct Client {
    int fd = -1;
    Phase phase = Phase::waiting;
    std::string out;
    size_t out_at = 0;
    std::string in;
    size_t sent = 0;
    size_t received = 0;
    uint32_t interest = 0;
    bool got_close = false;  // the server's close came: only EOF may follow
    bool pong_seen = false;  // for a fragmented message: its pong came, the echo is next
};

class Driver {
public:
    Driver(const EchoPlan& plan) : plan_(plan), clients_(plan.clients), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {}
    ~Driver() {
        for (Client& c : clients_)
            if (c.fd >= 0) ::close(c.fd);
        ::close(epoll_);
    }
    EchoReport run();

private:
    void start_connect(size_t i);
    void on_event(size_t i, uint32_t events);
    void on_input(size_t i);
    bool parse_frames(size_t i);
    void queue_message(size_t i);
    void flush(size_t i);
    void watch(size_t i);
    void fail(size_t i, const std::string& why);
    void finish(size_t i, Phase phase);

    const EchoPlan& plan_;
    std::vector<Client> clients_;
    int epoll_;
    EchoReport report_;
    size_t next_to_connect_ = 0;
    size_t connecting_ = 0;  // connecting or in the handshake
    size_t open_ = 0;
    size_t finished_ = 0;
    bool echo_started_ = false;
    int64_t echo_start_ = 0;
};

void Driver::start_connect(size_t i) {
    Client& c = clients_[i];
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return fail(i, std::string("socket: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(plan_.port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
        return fail(i, std::string("connect: ") + std::strerror(errno));
    c.phase = Phase::connecting;
    ++connecting_;
    c.out = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(plan_.port) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + std::string(kKey) +
            "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    watch(i);
}

void Driver::watch(size_t i) {
    Client& c = clients_[i];
    uint32_t want = EPOLLIN;
    if (c.out_at < c.out.size() || c.phase == Phase::connecting) want |= EPOLLOUT;
    if (want == c.interest) return;
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = i;
    ::epoll_ctl(epoll_, c.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &ev);
    c.interest = want;
}

void Driver::finish(size_t i, Phase phase) {
    Client& c = clients_[i];
    if (c.phase == Phase::connecting || c.phase == Phase::handshake) --connecting_;
    if (c.phase == Phase::ready || c.phase == Phase::echo || c.phase == Phase::closing) --open_;
    if (c.fd >= 0) ::close(c.fd);  // also removes it from the epoll set
    c.fd = -1;
    c.phase = phase;
    ++finished_;
    std::string().swap(c.out);
    std::string().swap(c.in);
}

void Driver::fail(size_t i, const std::string& why) {
    if (report_.failed++ == 0) report_.first_error = "client " + std::to_string(i) + ": " + why;
    finish(i, Phase::failed);
}

void Driver::flush(size_t i) {
    Client& c = clients_[i];
    while (c.out_at < c.out.size()) {
        ssize_t n = ::send(c.fd, c.out.data() + c.out_at, c.out.size() - c.out_at, MSG_NOSIGNAL);
        if (n > 0) {
            c.out_at += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
        return fail(i, std::string("send: ") + std::strerror(errno));
    }
    if (c.out_at == c.out.size()) {
        c.out.clear();
        c.out_at = 0;
    }
    watch(i);
}

void Driver::queue_message(size_t i) {
    Client& c = clients_[i];
    std::string payload = message_payload(i, c.sent, plan_.min_size, plan_.max_size);
    uint8_t opcode = is_text(i, c.sent) ? 1 : 2;
    uint64_t key = seed_of(i, c.sent) ^ 0x5a5a;
    if (!is_fragmented(i, c.sent)) {
        c.out += masked(0x80 | opcode, payload, key);
    } else {
        // Split anywhere, also inside a UTF-8 sequence of a text message.
        size_t split = payload.size() / 3;
        c.out += masked(opcode, std::string_view(payload).substr(0, split), key);
        c.out += masked(0x80 | 9, ping_payload(c.sent), key + 1);
        c.out += masked(0x80, std::string_view(payload).substr(split), key + 2);
    }
    ++c.sent;
}

void Driver::on_event(size_t i, uint32_t events) {
    Client& c = clients_[i];
    if (c.phase == Phase::connecting && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int error = 0;
        socklen_t size = sizeof error;
        ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error != 0) return fail(i, std::string("connect: ") + std::strerror(error));
        c.phase = Phase::handshake;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_input(i);
    if (clients_[i].fd >= 0) flush(i);
}

void Driver::on_input(size_t i) {
    Client& c = clients_[i];
    char chunk[65536];
    ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        if (c.phase == Phase::closing && c.got_close) {
            ++report_.closed_cleanly;
            return finish(i, Phase::done);
        }
        return fail(i, n == 0 ? "EOF in phase " + std::to_string(static_cast<int>(c.phase))
                              : std::string("recv: ") + std::strerror(errno));
    }
    c.in.append(chunk, static_cast<size_t>(n));
    if (c.phase == Phase::handshake) {
        size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) return;
        if (c.in.compare(0, 13, "HTTP/1.1 101 ") != 0 || c.in.find(kAccept) == std::string::npos)
            return fail(i, "handshake answer: " + c.in.substr(0, end));
        c.in.erase(0, end + 4);
        c.phase = Phase::ready;
        --connecting_;
        ++report_.opened;
        ++open_;
        report_.peak_open = std::max(report_.peak_open, open_);
    }
    if (c.phase == Phase::echo || c.phase == Phase::closing) parse_frames(i);
}

bool Driver::parse_frames(size_t i) {
    Client& c = clients_[i];
    size_t at = 0;
    while (true) {
        const support::ParsedFrame frame = support::parse_server_frame(std::string_view(c.in).substr(at));
        if (frame.status == support::ParsedFrame::masked) return fail(i, "the server masked a frame"), false;
        if (frame.status != support::ParsedFrame::complete) break;
        const std::string_view payload = frame.payload;
        at += frame.size;
        if (frame.opcode() == 8) {
            if (c.phase != Phase::closing || payload.size() < 2 || support::close_code(payload) != 1000)
                return fail(i, "unexpected close frame"), false;
            if (at != c.in.size()) return fail(i, "bytes after the close frame"), false;
            c.got_close = true;
            c.in.clear();
            return true;
        }
        if (c.phase != Phase::echo || c.got_close) return fail(i, "data after a close"), false;
        size_t seq = c.received;
        if (is_fragmented(i, seq) && !c.pong_seen) {
            if (frame.first_byte != (0x80 | 10) || payload != ping_payload(seq))
                return fail(i, "message " + std::to_string(seq) + ": expected the pong first"), false;
            c.pong_seen = true;
            ++report_.fragmented;
            continue;
        }
        c.pong_seen = false;
        if (frame.first_byte != (0x80 | (is_text(i, seq) ? 1 : 2)))
            return fail(i, "message " + std::to_string(seq) + ": wrong first byte"), false;
        if (payload != message_payload(i, seq, plan_.min_size, plan_.max_size))
            return fail(i, "message " + std::to_string(seq) + ": echo differs"), false;
        ++c.received;
        ++report_.messages;
        report_.bytes += payload.size();
        if (c.sent < plan_.messages) queue_message(i);
        if (c.received == plan_.messages) {
            c.out += masked(0x88, "\x03\xe8", seed_of(i, ~size_t{0}));
            c.phase = Phase::closing;
        }
    }
    c.in.erase(0, at);
    return true;
}

EchoReport Driver::run() {
    const int64_t start = monotonic_ms();
    const int64_t deadline = start + plan_.timeout_ms;
    epoll_event events[256];
    while (finished_ < clients_.size()) {
        while (next_to_connect_ < clients_.size() && connecting_ < plan_.max_connecting)
            start_connect(next_to_connect_++);
        if (!echo_started_ && report_.opened + report_.failed == clients_.size()) {
            // Everyone is connected at once now: start talking.
            echo_started_ = true;
            echo_start_ = monotonic_ms();
            report_.handshake_ms = echo_start_ - start;
            for (size_t i = 0; i < clients_.size(); ++i) {
                if (clients_[i].phase != Phase::ready) continue;
                clients_[i].phase = Phase::echo;
                for (size_t k = 0; k < plan_.in_flight && clients_[i].sent < plan_.messages; ++k) queue_message(i);
                if (plan_.messages == 0) {
                    clients_[i].out += masked(0x88, "\x03\xe8", 1);
                    clients_[i].phase = Phase::closing;
                }
                flush(i);
            }
        }
        int64_t left = deadline - monotonic_ms();
        if (left <= 0) {
            for (size_t i = 0; i < clients_.size(); ++i)
                if (clients_[i].fd >= 0 || clients_[i].phase == Phase::waiting) fail(i, "timed out");
            break;
        }
        int n = ::epoll_wait(epoll_, events, 256, static_cast<int>(std::min<int64_t>(left, 1000)));
        for (int k = 0; k < n; ++k) {
            size_t i = events[k].data.u64;
            if (clients_[i].fd >= 0) on_event(i, events[k].events);
        }
    }
    report_.total_ms = monotonic_ms() - start;
    report_.echo_ms = echo_started_ ? monotonic_ms() - echo_start_ : 0;
    return report_;
}

}  // namespace

std::string message_payload(size_t client, size_t seq, size_t min_size, size_t max_size) {
    uint64_t seed = seed_of(client, seq);
    size_t size = min_size + static_cast<size_t>(mix(seed) % (max_size - min_size + 1));
    std::string payload;
    payload.reserve(size);
    if (!is_text(client, seq)) {
        for (size_t i = 0; i < size; i += 8) {
            uint64_t word = mix(seed + i);
            for (size_t b = 0; b < 8 && i + b < size; ++b) payload += static_cast<char>(word >> (8 * b));
        }
        return payload;
    }
    // Text: ASCII with 2-, 3- and 4-byte characters mixed in.
    static constexpr std::string_view kWide[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    for (uint64_t n = 0; payload.size() < size; ++n) {
        uint64_t r = mix(seed + n);
        std::string_view wide = kWide[r % 3];
        if (r % 16 < 3 && payload.size() + wide.size() <= size) payload += wide;
        else payload += static_cast<char>(0x20 + (r >> 8) % 95);
    }
    return payload;
}

std::string EchoReport::summary() const {
    char line[400];
    std::snprintf(line, sizeof line,
                  "%zu clients open (peak %zu at once), %llu messages (%llu in 2 fragments around a ping) / %llu "
                  "payload bytes verified, %zu clean closes, %zu failed; handshakes %lld ms, echo %lld ms (%.0f "
                  "msg/s), total %lld ms",
                  opened, peak_open, static_cast<unsigned long long>(messages),
                  static_cast<unsigned long long>(fragmented), static_cast<unsigned long long>(bytes),
                  closed_cleanly, failed, static_cast<long long>(handshake_ms), static_cast<long long>(echo_ms),
                  echo_ms > 0 ? messages * 1000.0 / echo_ms : 0.0, static_cast<long long>(total_ms));
    return line;
}

EchoReport run_echo(const EchoPlan& plan) { return Driver(plan).run(); }

}  // namespace load
