#include "conn.h"

#include <algorithm>
#include <cstring>
#include <random>

#include "base/ascii.h"
#include "tests/support/ws_frames.h"
#include "websocket/base64.h"
#include "websocket/sha1.h"

namespace bench {

namespace {

constexpr size_t kMaxResponseHead = 16 * 1024;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& ch : out) ch = base::ascii_lower(ch);
    return out;
}

// The value of header `name` (lower case, with its colon) in a response head;
// *found says whether it was there at all.
std::string_view header(std::string_view head, std::string_view lower_head, std::string_view name, bool* found) {
    size_t at = lower_head.find(std::string("\r\n") + std::string(name));
    *found = at != std::string_view::npos;
    if (!*found) return {};
    size_t begin = at + 2 + name.size();
    size_t end = head.find("\r\n", begin);
    std::string_view value = head.substr(begin, end - begin);
    return base::trim_ows(value);
}

std::string first_line(std::string_view head) { return std::string(head.substr(0, head.find("\r\n"))); }

using support::frame_head_size;  // the size of a server frame header from its second byte

std::string start_frame(Conn& c, const Payload& payload, const uint8_t* h) {
    if (h[1] & 0x80) return "server frame is masked";
    if (h[0] & 0x70) return "server frame has RSV bits set";
    uint64_t length = support::frame_payload_size(h);
    c.frame_fin = h[0] & 0x80;
    c.frame_opcode = h[0] & 0x0f;
    c.frame_left = length;
    if (c.frame_opcode >= 8) {
        if (!c.frame_fin || length > 125) return "control frame fragmented or over 125 bytes";
        c.control_in.clear();
        return {};
    }
    uint8_t data_opcode = payload.text() ? 1 : 2;
    if (c.frame_opcode == 0 && !c.in_message) return "continuation frame outside a message";
    if (c.frame_opcode != 0 && c.in_message) return "data frame inside a fragmented message";
    if (c.frame_opcode != 0 && c.frame_opcode != data_opcode)
        return "echo has opcode " + std::to_string(c.frame_opcode) + ", sent " + std::to_string(data_opcode);
    if (c.message_pos + length > payload.size())
        return "echo of message " + std::to_string(c.received) + " is longer than the " +
               std::to_string(payload.size()) + " bytes sent";
    c.in_message = true;
    return {};
}

void queue_pong(Conn& c, uint32_t mask_key) {
    uint8_t key[4];
    std::memcpy(key, &mask_key, 4);
    std::string& pong = c.control.emplace_back(support::masked_frame(0x8a, c.control_in, uint32_t{key[0]} << 24 |
                                               uint32_t{key[1]} << 16 | uint32_t{key[2]} << 8 | key[3]));
    c.queue(pong.data(), pong.size());
}

std::string end_frame(Conn& c, const Payload& payload, uint32_t mask_key) {
    if (c.frame_opcode == 9) queue_pong(c, mask_key);
    if (c.frame_opcode == 8) {
        unsigned code = c.control_in.size() >= 2
                            ? (static_cast<uint8_t>(c.control_in[0]) << 8) | static_cast<uint8_t>(c.control_in[1])
                            : 1005;
        return "server closed the connection: " + std::to_string(code) + " " +
               (c.control_in.size() > 2 ? c.control_in.substr(2) : "");
    }
    if (c.frame_opcode >= 8 || !c.frame_fin) return {};
    if (c.message_pos != payload.size())
        return "echo of message " + std::to_string(c.received) + " has " + std::to_string(c.message_pos) +
               " bytes, sent " + std::to_string(payload.size());
    c.in_message = false;
    c.message_pos = 0;
    ++c.received;
    return {};
}

std::string check(Conn& c, const Payload& payload, const uint8_t* data, size_t size) {
    size_t bad = payload.check(c.received, c.id, c.message_pos, data, size);
    if (bad == Payload::kSame) return {};
    return payload.describe(c.received, c.id, bad, data[bad - c.message_pos]);
}

}  // namespace

void start_handshake(Conn& c, std::string_view host, uint16_t port) {
    static std::mt19937_64 random{std::random_device{}()};
    std::string nonce(16, '\0');
    for (char& byte : nonce) byte = static_cast<char>(random());
    std::string key = websocket::base64_encode(nonce);
    auto digest = websocket::sha1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    c.expected_accept = websocket::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 20));
    c.request = "GET / HTTP/1.1\r\nHost: " + std::string(host) + ":" + std::to_string(port) +
                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    c.queue(c.request.data(), c.request.size());
}

std::string feed_handshake(Conn& c, const uint8_t* data, size_t size, size_t* used) {
    size_t before = c.handshake_in.size();
    c.handshake_in.append(reinterpret_cast<const char*>(data), size);
    size_t end = c.handshake_in.find("\r\n\r\n");
    if (end == std::string::npos) {
        *used = size;
        return c.handshake_in.size() > kMaxResponseHead ? "handshake response head over 16 KiB" : "";
    }
    c.handshake_in.resize(end + 4);
    *used = end + 4 - before;
    std::string_view head = c.handshake_in;
    if (head.substr(0, 13) != "HTTP/1.1 101 ") return "handshake answered '" + first_line(head) + "'";
    std::string lower_head = lower(head);
    bool found = false;
    std::string_view accept = header(head, lower_head, "sec-websocket-accept:", &found);
    if (!found) return "handshake response has no Sec-WebSocket-Accept";
    if (accept != c.expected_accept)
        return "Sec-WebSocket-Accept is '" + std::string(accept) + "', expected '" + c.expected_accept + "'";
    c.handshake_in = std::string();
    c.state = Conn::State::running;
    return {};
}

std::string feed_ws(Conn& c, const Payload& payload, uint32_t mask_key, const uint8_t* data, size_t size) {
    while (size > 0) {
        if (!c.in_payload) {
            const uint8_t* head = data;
            if (c.frame_head_size == 0 && size >= 2 && size >= frame_head_size(data[1])) {
                size_t n = frame_head_size(data[1]);  // all here: read it where it lies
                data += n;
                size -= n;
            } else {  // cut by the read: gather it
                size_t want = c.frame_head_size < 2 ? 2 : frame_head_size(c.frame_head[1]);
                size_t take = std::min(want - c.frame_head_size, size);
                std::memcpy(c.frame_head + c.frame_head_size, data, take);
                c.frame_head_size = static_cast<uint8_t>(c.frame_head_size + take);
                data += take;
                size -= take;
                if (c.frame_head_size < 2 || c.frame_head_size < frame_head_size(c.frame_head[1])) continue;
                c.frame_head_size = 0;
                head = c.frame_head;
            }
            if (std::string problem = start_frame(c, payload, head); !problem.empty()) return problem;
            c.in_payload = c.frame_left > 0;
            if (!c.in_payload)
                if (std::string problem = end_frame(c, payload, mask_key); !problem.empty()) return problem;
            continue;
        }
        size_t take = static_cast<size_t>(std::min<uint64_t>(c.frame_left, size));
        if (c.frame_opcode >= 8) {
            c.control_in.append(reinterpret_cast<const char*>(data), take);
        } else {
            if (std::string problem = check(c, payload, data, take); !problem.empty()) return problem;
            c.message_pos += take;
        }
        data += take;
        size -= take;
        c.frame_left -= take;
        if (c.frame_left == 0) {
            c.in_payload = false;
            if (std::string problem = end_frame(c, payload, mask_key); !problem.empty()) return problem;
        }
    }
    return {};
}

std::string feed_tcp(Conn& c, const Payload& payload, const uint8_t* data, size_t size) {
    while (size > 0) {
        size_t take = std::min(payload.size() - c.message_pos, size);
        if (std::string problem = check(c, payload, data, take); !problem.empty()) return problem;
        c.message_pos += take;
        data += take;
        size -= take;
        if (c.message_pos == payload.size()) {
            c.message_pos = 0;
            ++c.received;
        }
    }
    return {};
}

namespace {

// Reads one response from the front of `in`: its size, 0 if it has not fully
// arrived, or npos with *problem set.
size_t http_response(std::string_view in, std::string* expected_body, std::string* problem) {
    size_t end = in.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (in.size() > kMaxResponseHead) *problem = "response head over 16 KiB";
        return problem->empty() ? 0 : std::string_view::npos;
    }
    std::string_view head = in.substr(0, end + 2);
    if (head.substr(0, 13) != "HTTP/1.1 200 ") *problem = "answered '" + first_line(head) + "'";
    std::string lower_head = lower(head);
    bool found = false;
    if (header(head, lower_head, "transfer-encoding:", &found); found) *problem = "chunked responses are not read";
    if (lower(header(head, lower_head, "connection:", &found)) == "close") *problem = "server closes the connection";
    std::string_view length_text = header(head, lower_head, "content-length:", &found);
    size_t length = 0;
    for (char digit : length_text) length = length * 10 + static_cast<size_t>(digit - '0');
    if (!found) *problem = "response has no Content-Length";
    if (!problem->empty()) return std::string_view::npos;
    if (in.size() < end + 4 + length) return 0;
    std::string_view body = in.substr(end + 4, length);
    if (expected_body->empty()) *expected_body = body;
    if (body != *expected_body) {
        *problem = "response body differs from the first one: '" + std::string(body.substr(0, 80)) + "'";
        return std::string_view::npos;
    }
    return end + 4 + length;
}

}  // namespace

std::string feed_http(Conn& c, std::string* expected_body, const uint8_t* data, size_t size) {
    // Parse straight from the read buffer; keep only a response cut in two.
    std::string_view in(reinterpret_cast<const char*>(data), size);
    if (!c.http_in.empty()) in = c.http_in.append(in);
    std::string problem;
    size_t used = 0;
    for (;;) {
        size_t taken = http_response(in.substr(used), expected_body, &problem);
        if (taken == std::string_view::npos) return problem;
        if (taken == 0) break;
        used += taken;
        ++c.received;
    }
    if (c.http_in.empty()) c.http_in.assign(in.substr(used));
    else c.http_in.erase(0, used);
    return {};
}

}  // namespace bench
