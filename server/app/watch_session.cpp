#include "app/watch_session.h"

#include <charconv>
#include <string>

#include "app/client_log.h"

namespace app {

using websocket::Decode;
using websocket::Opcode;

std::optional<ResumePoint> parse_resume(std::string_view target) {
    const size_t question = target.find('?');
    if (question == std::string_view::npos) return std::nullopt;
    std::string_view query = target.substr(question + 1);
    query = query.substr(0, query.find('#'));
    std::optional<uint64_t> epoch, gen;
    while (!query.empty()) {
        const size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
        const size_t eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view name = pair.substr(0, eq), value = pair.substr(eq + 1);
        uint64_t number = 0;
        auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        const bool numeric = !value.empty() && error == std::errc() && end == value.data() + value.size();
        if (name == "epoch") epoch = numeric ? std::optional(number) : std::nullopt;
        else if (name == "gen") gen = numeric ? std::optional(number) : std::nullopt;
    }
    if (!epoch || !gen) return std::nullopt;
    return ResumePoint{*epoch, *gen};
}

WatchSession::WatchSession(net::Link& link, const WatchConfig& config) : link_(link), config_(config) {}

void WatchSession::start(const registry::LiveLog& log, std::string_view target) noexcept {
    link_.set_deadline(0);  // heartbeats keep it alive; a reader that stops is dropped by its backlog
    auto resume = parse_resume(target);
    if (resume) {
        auto missed = log.since(resume->epoch, resume->gen);
        if (!missed.snapshot) {
            for (const registry::Diff* diff : missed.diffs) write_text(diff->message);
            return;
        }
    }
    write_text(log.snapshot_message());  // owed whatever its size: not held against the backlog
}

bool WatchSession::send(std::string_view message) noexcept {
    if (phase_ != Phase::open || link_.closing()) return true;
    const size_t pending = link_.output_pending();
    if (pending > 0 && pending + websocket::header_size(message.size()) + message.size() > config_.max_backlog) {
        client_event(link_.fd(), "watcher dropped: " + std::to_string(pending) +
                                     " bytes not read (--max-watch-backlog " + std::to_string(config_.max_backlog) +
                                     ")");
        phase_ = Phase::closed;
        link_.abort();
        return false;
    }
    write_text(message);
    return true;
}

void WatchSession::write_text(std::string_view message) noexcept {
    uint8_t head[websocket::kMaxHeaderSize];
    const size_t head_size = websocket::write_header(head, Opcode::text, message.size());
    link_.write({reinterpret_cast<const char*>(head), head_size}, message);
}

size_t WatchSession::on_input(std::span<uint8_t> input) noexcept {
    size_t used = 0;
    while (used < input.size() && !link_.closing()) {
        auto frame = websocket::decode_frame(input.subspan(used), kMaxClientPayload);
        if (frame.status == Decode::need_more) {
            if (frame.header_in) link_.expect_input(frame.frame_size);
            break;
        }
        if (frame.status == Decode::bad) {
            fail(frame.close_code, frame.problem);
            break;
        }
        used += frame.consumed;
        on_frame(frame);
    }
    return used;
}

void WatchSession::on_frame(const websocket::DecodeResult& frame) noexcept {
    switch (frame.opcode) {
    case Opcode::text:
    case Opcode::binary:
        if (in_message_) return fail(1002, "new data frame before the fragmented message finished");
        in_message_ = !frame.fin;
        return;  // nothing a watcher says is acted on
    case Opcode::continuation:
        if (!in_message_) return fail(1002, "continuation frame without a message to continue");
        in_message_ = !frame.fin;
        return;
    case Opcode::ping:
        if (phase_ != Phase::closed)
            send_frame(Opcode::pong, {reinterpret_cast<const char*>(frame.payload.data()), frame.payload.size()});
        return;
    case Opcode::pong:
        return;
    case Opcode::close: {
        auto close = websocket::parse_close_payload(frame.payload);
        if (close.error_code != 0) return fail(close.error_code, close.problem);
        // The same code, as ws-server answers; the server closes TCP first (§7.1.1).
        if (phase_ == Phase::open) send_frame(Opcode::close, websocket::close_payload(close.code, {}));
        phase_ = Phase::closed;
        return link_.close_after_flush();
    }
    }
}

void WatchSession::send_frame(Opcode opcode, std::string_view payload) noexcept {
    std::string frame;
    websocket::append_frame(frame, opcode, payload);
    link_.write(frame);
}

void WatchSession::fail(uint16_t code, std::string_view reason) noexcept {
    client_event(link_.fd(), "closing watcher with " + std::to_string(code) + ": " + std::string(reason));
    if (phase_ == Phase::open) send_frame(Opcode::close, websocket::close_payload(code, reason));
    phase_ = Phase::closed;
    link_.close_after_flush();
}

void WatchSession::on_deadline() noexcept {
    if (phase_ != Phase::open) link_.abort();  // no close frame came back in time
}

void WatchSession::on_shutdown() noexcept {
    if (phase_ != Phase::open) return link_.abort();
    send_frame(Opcode::close, websocket::close_payload(1001, "server shutting down"));
    phase_ = Phase::closing;
    link_.set_deadline(link_.now_ms() + config_.close_timeout_ms);
}

}  // namespace app
