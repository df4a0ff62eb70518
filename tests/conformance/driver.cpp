#include "tests/conformance/driver.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>

#include "base/clock.h"
#include "tests/integration/harness.h"
#include "tests/support/ws_frames.h"

namespace conformance {

bool Result::strict_ok() const {
    auto fine = [](Verdict v) { return v == Verdict::ok || v == Verdict::informational; };
    return fine(behavior) && fine(behavior_close);
}

namespace {

// The autobahn client's side of one connection.
class Client {
public:
    Client(const Case& c, UniqueFd fd) : case_(c), fd_(std::move(fd)) {}

    // One part of the script: its frames in the writes the case asks for.
    void send_part(const Part& part) {
        std::string pending;  // frames without chop or sync share one write
        for (const Send& s : part.sends) {
            if (s.closes && (closing_ || server_closed_)) continue;  // sendClose() ignores a second close
            std::string bytes = frame_bytes(s);
            if (s.chop == 0 && !s.sync) {
                pending += bytes;
            } else {
                write(std::exchange(pending, {}));
                for (size_t at = 0; at < bytes.size(); at += s.chop ? s.chop : bytes.size())
                    write(bytes.substr(at, s.chop ? s.chop : bytes.size()));
            }
            if (s.closes) closing_ = closed_by_me_ = true;
        }
        write(pending);
    }

    // Waits (bounded) until the server has sent `count` more things (events
    // or its close) or ended the connection, then takes what else is in.
    void await(size_t count) {
        const size_t until = server_sent_ + count;
        const int64_t deadline = base::monotonic_ms() + harness::kWaitMs;
        while (server_sent_ < until && !eof_ && read_some(deadline)) {
        }
        while (!eof_ && read_some(base::monotonic_ms())) {
        }
    }

    // After the script: the close handshake, as far as the server takes it.
    void finish() {
        int64_t deadline = base::monotonic_ms() + harness::kWaitMs;
        while (!eof_) {
            if (read_some(deadline)) continue;
            if (eof_) break;
            if (case_.close_after && !closing_ && !server_closed_) {  // closeAfter(): an empty close
                send_close({});
                deadline = base::monotonic_ms() + harness::kWaitMs;
                continue;
            }
            dropped_by_me_ = true;  // killAfter(), or the server never dropped TCP
            break;
        }
    }

    bool server_closed() const { return server_closed_ || eof_; }
    std::vector<Event>& received() { return received_; }
    Result judge() const;

private:
    std::string frame_bytes(const Send& s) const {
        const uint8_t first = static_cast<uint8_t>((s.fin ? 0x80 : 0) | (s.rsv << 4) | s.opcode);
        std::string bytes = support::masked_frame(first, s.payload);
        const size_t header = bytes.size() - s.payload.size();
        const size_t from = s.from == 0 ? 0 : header + s.from;
        const size_t to = s.to == std::string::npos ? bytes.size() : header + s.to;
        return bytes.substr(from, to - from);
    }
    void write(std::string_view bytes) {
        if (!bytes.empty()) harness::send_all(fd_.get(), bytes);  // a server that closed may refuse it
    }
    void send_close(std::string_view payload) {
        write(support::masked_frame(0x88, payload));
        closing_ = closed_by_me_ = true;
    }

    // One recv (waiting until `deadline`) and the frames it completes; false
    // on timeout or end of the connection.
    bool read_some(int64_t deadline) {
        pollfd p{fd_.get(), POLLIN, 0};
        const int64_t left = std::max<int64_t>(deadline - base::monotonic_ms(), 0);
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
        char chunk[65536];
        const ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
        if (n <= 0) {  // FIN or reset: the server dropped the connection
            eof_ = true;
            return false;
        }
        in_.append(chunk, static_cast<size_t>(n));
        size_t used = 0;
        while (problem_.empty()) {  // after a broken rule the client reads no more frames
            const support::ParsedFrame f = support::parse_server_frame(std::string_view(in_).substr(used));
            if (f.status == support::ParsedFrame::need_more) break;
            if (f.status == support::ParsedFrame::masked) violation("the server masked a frame");
            else on_frame(f);
            used += f.size;
        }
        in_.erase(0, problem_.empty() ? used : in_.size());
        return true;
    }

    void violation(std::string what) {
        if (problem_.empty()) problem_ = std::move(what);
    }

    void on_frame(const support::ParsedFrame& f) {
        if (server_closed_) return;  // nothing counts after the server's close
        if (f.first_byte & 0x70) return violation("the server set RSV bits");
        const std::string payload(f.payload);
        switch (f.opcode()) {
        case 0:
        case 1:
        case 2:
            if ((f.opcode() == 0) != in_message_)
                return violation(in_message_ ? "the server began a message inside a message"
                                                  : "the server sent a continuation without a message");
            if (f.opcode() != 0) message_opcode_ = f.opcode();
            message_ += payload;
            in_message_ = !f.fin();
            if (f.fin()) event({message_opcode_ == 1 ? Event::text : Event::binary, std::exchange(message_, {})});
            return;
        case 8:
            ++server_sent_;
            server_closed_ = true;
            if (payload.size() >= 2) remote_code_ = support::close_code(payload);
            if (!closing_) {  // the server closes: answer with 1000 (autobahn does not echo the code)
                write(support::masked_frame(0x88, "\x03\xe8"));
                closing_ = true;
            }
            return;
        case 9:
            if (!closing_) write(support::masked_frame(0x8a, payload));
            return event({Event::ping, payload});
        case 10:
            return event({Event::pong, payload});
        default:
            return violation("the server sent opcode " + std::to_string(f.opcode()));
        }
    }

    // finishWhenDone(): once the events match every expectation, close.
    void event(Event e) {
        ++server_sent_;
        received_.push_back(std::move(e));
        for (const auto& [verdict, events] : case_.expected)
            if (events != received_) return;
        if (case_.closed_by_me && !case_.suppress_close && !closing_ && !server_closed_) {
            const uint16_t code = case_.close_codes.front();
            send_close(std::string{char(code >> 8), char(code & 0xff)});
        }
    }

    const Case& case_;
    UniqueFd fd_;
    std::string in_;
    std::vector<Event> received_;
    std::string message_;
    uint8_t message_opcode_ = 0;
    bool in_message_ = false;
    size_t server_sent_ = 0;  // events and the close frame
    bool closing_ = false;    // our close is sent
    bool closed_by_me_ = false;
    bool server_closed_ = false;  // its close frame came
    bool eof_ = false;
    bool dropped_by_me_ = false;
    std::optional<uint16_t> remote_code_;
    std::string problem_;
};

Result Client::judge() const {
    Result r;
    r.received = received_;
    for (const auto& [verdict, events] : case_.expected)
        if (events == received_) {
            r.behavior = verdict;
            break;
        }
    const bool clean = server_closed_ && !dropped_by_me_;
    const bool code_ok = !remote_code_ || std::count(case_.close_codes.begin(), case_.close_codes.end(), *remote_code_);
    if (case_.closed_by_me != closed_by_me_) r.behavior_close = Verdict::failed;
    else if (case_.require_clean && !clean) r.behavior_close = Verdict::unclean;
    else if (!code_ok) r.behavior_close = Verdict::wrong_code;
    else if (dropped_by_me_) r.behavior_close = Verdict::failed_by_client;
    else r.behavior_close = Verdict::ok;
    if (case_.wrong_endpoint_fatal && case_.closed_by_me != closed_by_me_) r.behavior = Verdict::failed;
    if (!problem_.empty()) r.behavior = Verdict::failed;
    if (case_.judge == Case::Judge::wrong_code_fails && r.behavior_close == Verdict::wrong_code)
        r.behavior = Verdict::failed;
    r.detail = "received " + describe(received_) + "; closing handshake started by " +
               (closed_by_me_ ? "the client" : server_closed_ ? "the server" : "nobody") + ", server's code " +
               (remote_code_ ? std::to_string(*remote_code_) : "none") + (clean ? ", clean" : ", not clean") +
               (dropped_by_me_ ? ", TCP dropped by the client" : ", TCP closed by the server") +
               (problem_.empty() ? "" : "; " + problem_);
    if (case_.judge == Case::Judge::informational) r.behavior = r.behavior_close = Verdict::informational;
    return r;
}

// The opening handshake as autobahn's client checks it: 101, the upgrade
// headers and the accept key for the key we sent (RFC 6455 §1.3's sample).
UniqueFd open(uint16_t port, std::string* problem) {
    UniqueFd fd = harness::connect_to(port);
    if (!fd) return *problem = "could not connect", UniqueFd();
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // each write its own segment
    if (!harness::send_all(fd.get(), harness::upgrade_request(port))) return *problem = "send failed", UniqueFd();
    const std::string response = harness::recv_http_response(fd.get());
    auto lower = [](std::optional<std::string> v) {
        std::string s = v.value_or("");
        for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    };
    if (harness::http_status(response) != 101 || lower(harness::http_header(response, "Upgrade")) != "websocket" ||
        lower(harness::http_header(response, "Connection")).find("upgrade") == std::string::npos ||
        harness::http_header(response, "Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        return *problem = "opening handshake refused or wrong: " + response, UniqueFd();
    return fd;
}

}  // namespace

Result run(const Case& c, uint16_t port) {
    std::string problem;
    UniqueFd fd = open(port, &problem);
    if (!fd) return Result{.detail = "the WebSocket opening handshake was never completed: " + problem};
    Client client(c, std::move(fd));
    for (size_t i = 0; i < c.parts.size(); ++i) {
        const Part& part = c.parts[i];
        if (i > 0 && client.server_closed()) break;  // continueLater() runs only on an open connection
        if (!part.tag.empty()) client.received().push_back({Event::timeout, part.tag});
        client.send_part(part);
        client.await(part.await);
    }
    client.finish();
    return client.judge();
}

}  // namespace conformance
