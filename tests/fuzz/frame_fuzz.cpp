// libFuzzer target: websocket::decode_frame on a stream of client frames.
// Input: byte 0 picks max_payload, the rest is the byte stream. Invariants:
// - each result is self-consistent (consumed <= size, payload ends where the
//   frame ends, control frames are short and final, bad is 1002 or 1009 with
//   a reason), and a decoded frame re-encodes to exactly the bytes it came from;
// - every proper prefix of a frame is need_more and leaves the bytes alone; a
//   bad frame is need_more up to some prefix and the same bad from there on;
// - the stream fed in random chunks, decoding after each one as a session
//   does, gives the same frames and the same final result as the whole buffer;
// - close payloads parse consistently and close_payload() round-trips them;
// - a prefix holding a frame's header reports its fields and the masked
//   payload so far (what streaming needs); Unmask::later plus unmask() to a
//   lower place gives the payload that in-place unmasking gives.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "websocket/frame.h"
#include "websocket/utf8.h"

namespace {

using websocket::Decode;
using websocket::DecodeResult;
using websocket::Opcode;

constexpr uint64_t kLimits[] = {0, 1, 125, 126, 65535, 65536, 1 << 20, UINT64_MAX};

struct Seen {
    Decode status;
    bool fin;
    Opcode opcode;
    std::string payload;
    size_t consumed;
    uint16_t close_code;
    std::string_view problem;

    bool operator==(const Seen&) const = default;
};

Seen seen(const DecodeResult& r) {
    return {r.status, r.fin, r.opcode, std::string(r.payload.begin(), r.payload.end()), r.consumed, r.close_code,
            r.problem};
}

// `in` is the buffer as decoded (payload unmasked in place), `original` the
// same bytes before decoding.
void check_result(const DecodeResult& r, std::span<uint8_t> in, const uint8_t* original, uint64_t limit) {
    if (r.status == Decode::need_more) {
        FUZZ_CHECK(r.consumed == 0 && r.close_code == 0, "need_more carries nothing");
        return;
    }
    if (r.status == Decode::bad) {
        FUZZ_CHECK(r.close_code == 1002 || r.close_code == 1009, "bad is 1002 or 1009");
        FUZZ_CHECK(!r.problem.empty(), "bad names the rule");
        FUZZ_CHECK(r.consumed == 0, "bad consumes nothing");
        return;
    }
    FUZZ_CHECK(r.consumed <= in.size(), "consumed <= size");
    FUZZ_CHECK(r.consumed >= 6, "a client frame has at least a 2-byte header and a mask");
    FUZZ_CHECK(r.opcode >= websocket::Opcode::close || r.payload.size() <= limit, "data payload within max_payload");
    FUZZ_CHECK(r.payload.data() + r.payload.size() == in.data() + r.consumed, "payload ends the frame");
    FUZZ_CHECK(r.payload.data() >= in.data() + 6, "payload after the header");
    uint8_t op = static_cast<uint8_t>(r.opcode);
    FUZZ_CHECK(op <= 2 || (op >= 8 && op <= 10), "known opcode");
    if (op >= 8) FUZZ_CHECK(r.fin && r.payload.size() <= 125, "control frames are final and short");

    // Re-encode: the header write_header() makes, with the mask bit and the
    // frame's key, then the payload masked again, must be the original bytes.
    uint8_t header[websocket::kMaxHeaderSize];
    size_t header_size = websocket::write_header(header, r.opcode, r.payload.size(), r.fin);
    header[1] |= 0x80;
    FUZZ_CHECK(header_size + 4 + r.payload.size() == r.consumed, "minimal length form");
    FUZZ_CHECK(std::memcmp(header, original, header_size) == 0, "header re-encodes identically");
    const uint8_t* key = original + header_size;
    const uint8_t* masked = key + 4;
    for (size_t i = 0; i < r.payload.size(); ++i)
        FUZZ_CHECK((r.payload[i] ^ key[i % 4]) == masked[i], "payload unmasked with the frame's key");
    FUZZ_CHECK(std::memcmp(in.data() + r.consumed, original + r.consumed, in.size() - r.consumed) == 0,
               "bytes after the frame untouched");

    if (r.opcode == Opcode::close) {
        auto close = websocket::parse_close_payload(r.payload);
        FUZZ_CHECK(close.error_code == 0 || close.error_code == 1002 || close.error_code == 1007, "close error code");
        if (close.error_code != 0) {
            FUZZ_CHECK(!close.problem.empty(), "close error names the rule");
            return;
        }
        FUZZ_CHECK((close.code == 1005) == r.payload.empty(), "1005 exactly for an empty close");
        if (r.payload.empty()) return;
        FUZZ_CHECK(websocket::is_valid_close_code(close.code), "accepted close code is valid");
        FUZZ_CHECK(websocket::is_valid_utf8(close.reason), "accepted reason is UTF-8");
        std::string again = websocket::close_payload(close.code, close.reason);
        FUZZ_CHECK(again.size() == r.payload.size() &&
                       std::memcmp(again.data(), r.payload.data(), again.size()) == 0,
                   "close_payload() rebuilds the payload");
    }
}

// A proper prefix of `whole` (a frame) that holds its header reports what a
// streaming reader needs: the header's fields and the payload so far, still
// masked, ending where the prefix ends. One without its header reports none.
void check_partial(const DecodeResult& prefix, std::span<uint8_t> in, const DecodeResult& whole) {
    const size_t header = whole.consumed - whole.payload.size();
    FUZZ_CHECK(prefix.header_in == (in.size() >= header), "header_in exactly once the header is complete");
    if (in.size() < header) {
        FUZZ_CHECK(prefix.payload.data() == nullptr, "no payload before the header is complete");
        return;
    }
    FUZZ_CHECK(prefix.payload.data() == in.data() + header, "partial payload starts after the header");
    FUZZ_CHECK(prefix.payload.size() == in.size() - header, "partial payload is what has arrived");
    FUZZ_CHECK(prefix.frame_size == whole.consumed, "frame_size is the whole frame");
    FUZZ_CHECK(prefix.fin == whole.fin && prefix.opcode == whole.opcode, "partial header fields");
    FUZZ_CHECK(std::memcmp(prefix.mask, whole.mask, 4) == 0, "partial mask key");
}

// Unmask::later leaves the payload masked and reports the key; unmasking it
// down to any lower place (as the echo does) gives the in-place result.
void check_unmask_later(std::span<uint8_t> frame, const DecodeResult& in_place, uint64_t limit) {
    std::vector<uint8_t> copy(frame.begin(), frame.end());
    DecodeResult later = websocket::decode_frame(copy, limit, websocket::Unmask::later);
    FUZZ_CHECK(later.status == Decode::frame && later.consumed == in_place.consumed, "same frame either way");
    FUZZ_CHECK(std::memcmp(later.mask, in_place.mask, 4) == 0, "same key either way");
    FUZZ_CHECK(std::equal(copy.begin(), copy.end(), frame.begin()), "Unmask::later writes nothing");
    const size_t header = later.consumed - later.payload.size();
    for (size_t shift : {size_t{0}, size_t{1}, size_t{4}, size_t{5}, header}) {
        std::vector<uint8_t> moved(frame.begin(), frame.end());
        uint8_t* from = moved.data() + header;
        websocket::unmask(from - shift, {from, later.payload.size()}, later.mask);
        FUZZ_CHECK(std::equal(in_place.payload.begin(), in_place.payload.end(), from - shift),
                   "unmasking down by any shift gives the payload");
    }
}

// Decodes the whole stream frame by frame, checking each result and the
// prefixes of each frame; returns every result in order.
std::vector<Seen> decode_whole(const std::vector<uint8_t>& original, uint64_t limit) {
    std::vector<uint8_t> buffer = original;    // decoded in place
    std::vector<uint8_t> pristine = original;  // prefixes are decoded here: they must not write
    std::vector<Seen> results;
    size_t pos = 0;
    while (true) {
        std::span<uint8_t> in = std::span<uint8_t>(buffer).subspan(pos);
        DecodeResult r = websocket::decode_frame(in, limit);
        check_result(r, in, original.data() + pos, limit);
        results.push_back(seen(r));

        std::span<uint8_t> untouched = std::span<uint8_t>(pristine).subspan(pos);
        size_t end = r.status == Decode::frame ? r.consumed : untouched.size();
        bool bad_yet = false;
        for (size_t p = 0; p < end; ++p) {
            DecodeResult prefix = websocket::decode_frame(untouched.first(p), limit);
            bad_yet = bad_yet || prefix.status == Decode::bad;
            if (bad_yet) {
                FUZZ_CHECK(seen(prefix) == results.back(), "once bad, every longer prefix is the same bad");
            } else {
                FUZZ_CHECK(prefix.status == Decode::need_more, "a proper prefix of a frame needs more");
                if (r.status == Decode::frame) check_partial(prefix, untouched.first(p), r);
            }
        }
        if (r.status == Decode::frame) check_unmask_later(untouched.first(r.consumed), r, limit);
        FUZZ_CHECK(pristine == original, "need_more and bad never write");
        if (r.status != Decode::frame) return results;
        pos += r.consumed;
    }
}

// The session's way: bytes arrive in chunks; after each chunk decode as many
// frames as are complete, and drop them from the front of the buffer.
std::vector<Seen> decode_chunked(const std::vector<uint8_t>& original, uint64_t limit, fuzz::Rng& rng) {
    std::vector<uint8_t> buffer;
    std::vector<Seen> results;
    size_t fed = 0;
    while (true) {
        size_t chunk = fed < original.size() ? rng.chunk(original.size() - fed) : 0;
        buffer.insert(buffer.end(), original.begin() + fed, original.begin() + fed + chunk);
        fed += chunk;
        while (true) {
            DecodeResult r = websocket::decode_frame(buffer, limit);
            if (r.status == Decode::need_more && fed < original.size()) break;
            results.push_back(seen(r));
            if (r.status != Decode::frame) return results;
            buffer.erase(buffer.begin(), buffer.begin() + r.consumed);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    uint64_t limit = kLimits[data[0] % std::size(kLimits)];
    std::vector<uint8_t> stream(data + 1, data + size);
    std::vector<Seen> whole = decode_whole(stream, limit);
    fuzz::Rng rng(fuzz::hash(data, size));
    for (int round = 0; round < 2; ++round)
        FUZZ_CHECK(decode_chunked(stream, limit, rng) == whole, "chunked decoding agrees with the whole buffer");
    return 0;
}
