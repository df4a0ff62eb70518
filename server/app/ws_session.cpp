// Message rules on top of the frame codec (RFC 6455 §5.4, §5.5, §7): a
// continuation needs a message in progress and a new data frame needs none
// (1002), checked as soon as a frame's header is in; text is validated as its
// bytes arrive, inside a frame cut by reads as across fragments, and the
// connection fails at the first invalid byte (1007); messages over
// max_message are refused as soon as that is known (1009). Control frames may
// come between fragments. Echo keeps the opcode and the bytes; a fragmented
// message is echoed as one frame once complete.
//
// Echo copies nothing beyond unmasking: each payload is unmasked to where its
// echo goes in the read buffer and the echoes of one read leave in one send.
// A single-frame binary message still arriving is echoed as it arrives (if
// its echo fits in the output allowance), so it is never buffered whole;
// while one is, control frames (pings, the goodbye on shutdown) wait for its
// end.
#include "app/ws_session.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "app/client_log.h"
#include "base/log.h"
#include "http/response.h"

namespace app {

using websocket::Decode;
using websocket::Opcode;

namespace {

bool is_data(Opcode opcode) {  // continuation (0), text (1) or binary (2); the decoder let no other below 8 through
    return static_cast<uint8_t>(opcode) <= static_cast<uint8_t>(Opcode::binary);
}

}  // namespace

WsSession::WsSession(net::Link& link, const WsConfig& config, std::string refused)
    : link_(link), config_(config), refused_(std::move(refused)) {
    link_.set_deadline(link_.now_ms() + config_.handshake_timeout_ms);
}

WsSession::~WsSession() { enter(Phase::closed); }

void WsSession::enter(Phase next) noexcept {
    if (config_.health != nullptr) {
        config_.health->connections += int{next == Phase::open || next == Phase::closing} -
                                       int{phase_ == Phase::open || phase_ == Phase::closing};
    }
    phase_ = next;
}

size_t WsSession::on_input(std::span<uint8_t> input) noexcept {
    size_t used = 0;
    if (phase_ == Phase::handshake) {
        used = handshake(input);
        if (phase_ != Phase::open || link_.closing()) return used;
    }
    if (phase_ == Phase::open) {
        awaiting_pong_ = false;
        link_.set_deadline(link_.now_ms() + config_.ping_interval_ms);
    }
    // Only a write() closes the link under us (no memory for the output, the
    // peer gone), so where one may happen the loop asks; in place costs nothing.
    while (used < input.size()) {
        if (stream_left_ > 0) {
            used += pass_on(input.subspan(used));
            if (link_.closing()) break;  // the stream's end may bring the shutdown's close
            continue;
        }
        // A data frame may only fill what is left of the message's limit, so an
        // oversized one is refused from its header (1009) instead of being
        // buffered; the decoder bounds control frames by their own 125 bytes.
        assert(message_.size() <= config_.max_message && "each fragment kept fitted in what was left");
        const uint64_t left = config_.max_message - message_.size();
        auto frame = websocket::decode_frame(input.subspan(used), left, websocket::Unmask::later);
        if (frame.status == Decode::need_more) {
            // What can be judged before the frame is complete is judged now.
            if (frame.header_in && is_data(frame.opcode) && !judge_partial(frame)) break;
            // Until its header is complete a frame may yet be streamed, so
            // only then is room for all of it worth asking for.
            if (start_stream(input.subspan(used), frame)) used = input.size();
            else if (frame.header_in) link_.expect_input(frame.frame_size);
            break;
        }
        if (frame.status == Decode::bad) {
            fail(frame.close_code, frame.problem);
            break;
        }
        unmask_for_echo(frame);
        used += frame.consumed;
        if (!(is_data(frame.opcode) ? on_data_frame(frame) : on_control_frame(frame))) break;
    }
    return used;
}

size_t WsSession::handshake(std::span<uint8_t> input) noexcept {
    std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    http::Request request;
    auto parsed = http::parse_request(text, request, config_.head_limits);
    if (parsed.status == http::Parse::need_more) return 0;
    if (!refused_.empty()) {  // whatever was asked: the same answer, before the upgrade
        std::string response;
        http::append_error(response, 403, refused_, false);
        link_.write(response);
        link_.close_after_flush();
        return input.size();
    }
    if (parsed.status == http::Parse::bad) {
        std::string problem = http::describe(parsed);
        std::string response;
        http::append_error(response, parsed.http_status, problem, false);
        link_.write(response);
        client_event(link_.fd(), "handshake refused: " + std::to_string(parsed.http_status) + " " + problem);
        link_.close_after_flush();
        return input.size();
    }
    if (config_.health != nullptr && is_health_request(request)) {
        answer_health(request);
        return input.size();
    }
    auto answer = websocket::answer_handshake(request, config_.policy);
    link_.write(answer.response);
    if (answer.status != 101) {
        client_event(link_.fd(), "handshake refused: " + std::to_string(answer.status) + " " + answer.problem);
        link_.close_after_flush();
        return input.size();
    }
    enter(Phase::open);
    return parsed.consumed;
}

void WsSession::answer_health(const http::Request& request) noexcept {
    std::string refused;
    link_.write(health_response(request, *config_.health, config_.policy, link_.now_ms(), &refused));
    if (!refused.empty()) client_event(link_.fd(), "/healthz refused: " + refused);
    link_.close_after_flush();
}

bool WsSession::on_control_frame(const websocket::DecodeResult& frame) noexcept {
    switch (frame.opcode) {
    case Opcode::text:
    case Opcode::binary:
    case Opcode::continuation:
        break;  // on_data_frame()'s
    case Opcode::ping:
        // Until the peer's close arrives, pings are answered (§5.5.2), even after ours.
        if (phase_ == Phase::open || phase_ == Phase::closing) echo_in_place(Opcode::pong, frame.payload);
        return true;
    case Opcode::pong:
        return true;  // any input already counts as a sign of life
    case Opcode::close:
        on_close_frame(frame.payload);
        return false;
    }
    return true;
}

bool WsSession::refuse_sequence() noexcept {
    fail(1002, message_opcode_ == Opcode::continuation ? "continuation frame without a message to continue"
                                                       : "new data frame before the fragmented message finished");
    return false;
}

bool WsSession::judge_partial(const websocket::DecodeResult& frame) noexcept {
    return check_sequence(frame) && check_text_so_far(frame);
}

bool WsSession::check_text_so_far(const websocket::DecodeResult& frame) noexcept {
    const Opcode opcode = frame.opcode == Opcode::continuation ? message_opcode_ : frame.opcode;
    if (opcode != Opcode::text) return true;
    // The payload is still masked (it is unmasked to its echo's place once
    // complete), so it is checked through a small copy; this path is taken
    // only by text frames that arrive in more than one read.
    uint8_t chunk[256];
    while (text_checked_ < frame.payload.size()) {
        const size_t n = std::min(sizeof chunk, frame.payload.size() - text_checked_);
        for (size_t i = 0; i < n; ++i)
            chunk[i] = frame.payload[text_checked_ + i] ^ frame.mask[(text_checked_ + i) % 4];
        text_checked_ += static_cast<uint32_t>(n);
        if (!utf8_.feed(chunk, n)) {
            fail(1007, "text message is not valid UTF-8");
            return false;
        }
    }
    return true;
}

bool WsSession::on_data_frame(const websocket::DecodeResult& frame) noexcept {
    if (!check_sequence(frame)) return false;
    const bool continuing = message_opcode_ != Opcode::continuation;
    const Opcode opcode = continuing ? message_opcode_ : frame.opcode;
    // Its size was checked by the decoder (the room left in the message).
    if (opcode == Opcode::text) {
        // What arrived in earlier reads was checked then (check_text_so_far).
        const size_t checked = std::exchange(text_checked_, 0);
        assert(checked <= frame.payload.size());
        if (!utf8_.feed(frame.payload.data() + checked, frame.payload.size() - checked)) {
            fail(1007, "text message is not valid UTF-8");
            return false;
        }
    }
    // The message's buffer grows with its fragments (doubling), and not
    // past --max-memory for all buffers together.
    if (!frame.fin) {
        message_opcode_ = opcode;
        if (!message_.append(frame.payload.data(), frame.payload.size(), net::Growth::limited)) {
            fail_for_memory(net::buffer_memory.refused);
            return false;
        }
        return true;
    }
    if (opcode == Opcode::text && !utf8_.complete()) {
        fail(1007, "text message ends inside a UTF-8 sequence");
        return false;
    }
    utf8_.reset();
    if (phase_ != Phase::open) return true;  // closing: data is no longer echoed
    if (!continuing) {
        echo_in_place(opcode, frame.payload);
        count_message();
        return true;
    }
    if (!message_.append(frame.payload.data(), frame.payload.size(), net::Growth::limited)) {
        fail_for_memory(net::buffer_memory.refused);
        return false;
    }
    send_frame(opcode, message_.span());
    count_message();
    message_opcode_ = Opcode::continuation;
    message_.clear();
    message_.release();  // give the memory back: messages can be large
    return !link_.closing();
}

void WsSession::on_close_frame(std::span<const uint8_t> payload) noexcept {
    auto close = websocket::parse_close_payload(payload);
    if (close.error_code != 0) return fail(close.error_code, close.problem);
    // Answer an open close handshake with the same code; if we started it,
    // this is the answer. Either way the server closes TCP first (§7.1.1).
    if (phase_ == Phase::open) send_close(close.code, {});
    enter(Phase::closed);
    link_.close_after_flush();
}

void WsSession::send_frame(Opcode opcode, std::span<const uint8_t> payload) noexcept {
    uint8_t header[websocket::kMaxHeaderSize];
    size_t header_size = websocket::write_header(header, opcode, payload.size());
    link_.write({reinterpret_cast<const char*>(header), header_size},
          {reinterpret_cast<const char*>(payload.data()), payload.size()});
}

uint8_t* WsSession::echo_at(uint8_t* natural) noexcept {
    // Right after the echo before it in this input, so the echoes of one read
    // lie end to end and leave in one piece; the first one of a callback goes
    // where the input lies. An earlier echo always ends at or before
    // `natural`: each echo is no longer than the input it answers (checked in
    // debug builds).
    uint8_t* end = link_.in_place_end();
    assert((end == nullptr || end <= natural) && "echo_at: an earlier echo overlaps this input");
    return end != nullptr && end <= natural ? end : natural;
}

void WsSession::unmask_for_echo(websocket::DecodeResult& frame) noexcept {
    // The payload is unmasked to where its echo's payload goes, behind room
    // for our header: the client's header is ours plus a 4-byte mask key, so
    // the echo of a frame never starts later than 4 bytes into it. Unmasking
    // is then the only copy. A payload that is not echoed moves too,
    // harmlessly: it is used up before the next frame is unmasked.
    const size_t header = websocket::header_size(frame.payload.size());
    uint8_t* to = echo_at(frame.payload.data() - header) + header;
    websocket::unmask(to, frame.payload, frame.mask);
    frame.payload = {to, frame.payload.size()};
}

namespace {

// The key for the payload byte `by` places further on (the mask repeats every 4).
void advance(uint8_t key[4], size_t by) {
    const uint8_t was[4] = {key[0], key[1], key[2], key[3]};
    for (size_t i = 0; i < 4; ++i) key[i] = was[(i + by) % 4];
}

}  // namespace

bool WsSession::start_stream(std::span<uint8_t> in, const websocket::DecodeResult& frame) noexcept {
    // A message in one binary frame whose payload is still arriving is echoed
    // as it comes: nothing in it needs checking, so its bytes need not wait,
    // and it is never copied into the connection's buffer. Text waits, to be
    // checked whole.
    // Only when all its echo fits in the output allowance: a client may send a
    // whole message before it reads, and if its echo filled the allowance
    // first we would stop reading it mid-frame while it waits to finish
    // sending. Such a frame is buffered whole and echoed at once, as text is.
    if (phase_ != Phase::open || !frame.header_in || !frame.fin || frame.opcode != Opcode::binary ||
        message_opcode_ != Opcode::continuation || frame.frame_size >= link_.output_room())
        return false;
    const size_t client_header = static_cast<size_t>(frame.payload.data() - in.data());
    const uint64_t size = frame.frame_size - client_header;
    uint8_t* at = echo_at(in.data() + 4);  // our header is the client's without the key
    const size_t header = websocket::write_header(at, Opcode::binary, size);
    websocket::unmask(at + header, frame.payload, frame.mask);
    link_.write_in_place({at, header + frame.payload.size()});
    count_message();
    stream_left_ = size - frame.payload.size();
    std::copy_n(frame.mask, 4, stream_mask_);
    advance(stream_mask_, frame.payload.size());
    return true;
}

size_t WsSession::pass_on(std::span<uint8_t> in) noexcept {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(stream_left_, in.size()));
    uint8_t* at = echo_at(in.data());
    websocket::unmask(at, in.first(n), stream_mask_);
    link_.write_in_place({at, n});
    advance(stream_mask_, n);
    stream_left_ -= n;
    if (stream_left_ == 0 && std::exchange(shutdown_pending_, false)) on_shutdown();
    return n;
}

void WsSession::echo_in_place(Opcode opcode, std::span<uint8_t> payload) noexcept {
    // unmask_for_echo() left room for the header in front of the payload.
    uint8_t* start = payload.data() - websocket::header_size(payload.size());
    const size_t header = websocket::write_header(start, opcode, payload.size());
    link_.write_in_place({start, header + payload.size()});
}

void WsSession::send_close(uint16_t code, std::string_view reason) noexcept {
    std::string payload = websocket::close_payload(code, reason);
    send_frame(Opcode::close, {reinterpret_cast<const uint8_t*>(payload.data()), payload.size()});
}

void WsSession::fail(uint16_t code, std::string_view reason) noexcept {
    client_event(link_.fd(), "closing connection with " + std::to_string(code) + ": " + std::string(reason));
    if (phase_ == Phase::open) send_close(code, reason);
    enter(Phase::closed);
    message_.clear();
    message_.release();  // what it held goes back now, not when the peer is gone
    link_.close_after_flush();
}

void WsSession::on_memory_short(net::Shortage why) noexcept { fail_for_memory(why); }

void WsSession::fail_for_memory(net::Shortage why) noexcept {
    if (why == net::Shortage::limit) return fail(1013, "server memory limit reached; try again later");
    fail(1011, "server out of memory");
}

void WsSession::on_deadline() noexcept {
    switch (phase_) {
    case Phase::handshake: {
        std::string response;
        http::append_error(response, 408, "no complete handshake within " +
                                              std::to_string(config_.handshake_timeout_ms) + " ms", false);
        link_.write(response);
        enter(Phase::closed);
        return link_.close_after_flush();
    }
    case Phase::open:
        if (stream_left_ > 0) {  // no ping fits inside the echo being streamed; wait as long again
            // awaiting_pong_ marks the first interval gone, as after a ping; any input clears it.
            if (!std::exchange(awaiting_pong_, true))
                return link_.set_deadline(link_.now_ms() + config_.ping_interval_ms);
            client_event(link_.fd(), "client stalled inside a frame; closing");
            return link_.abort();
        }
        if (awaiting_pong_ && link_.output_pending() > 0)
            return fail(1001, "client stopped reading (" + std::to_string(link_.output_pending()) + " bytes queued)");
        if (awaiting_pong_) return fail(1001, "no answer to ping");
        awaiting_pong_ = true;
        send_frame(Opcode::ping, {});
        link_.set_deadline(link_.now_ms() + config_.ping_interval_ms);
        return;
    case Phase::closing:
    case Phase::closed:
        return link_.abort();
    }
}

void WsSession::on_shutdown() noexcept {
    if (phase_ != Phase::open) return link_.abort();
    if (stream_left_ > 0) {  // no close frame fits inside the echo being streamed: after it
        shutdown_pending_ = true;
        return;
    }
    send_close(1001, "server shutting down");
    enter(Phase::closing);
    link_.set_deadline(link_.now_ms() + config_.close_timeout_ms);
}

}  // namespace app
