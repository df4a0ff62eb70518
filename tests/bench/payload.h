// What the load generator sends and what it expects back.
//
// Message k on connection c is S bytes: 8 ASCII hex digits of k (cut to S when
// S < 8), then a slice of one fixed ASCII pattern that starts at a multiple of 4
// chosen by k and c. ASCII keeps text frames valid UTF-8; the counter and the
// moving slice catch dropped, reordered, duplicated or crossed messages; and an
// echo is checked with memcmp against the pattern, straight from the read
// buffer, so checking costs one pass over the bytes and no copy.
//
// Client frames must be masked (RFC 6455 §5.3). One random key serves the whole
// run; since every slice starts at a multiple of 4, the masked body of every
// message is a slice of one pre-masked pattern. Sending a message is then a
// head of up to 22 bytes (frame header, key, masked counter) plus either a
// memcpy of a small body or an iovec into shared memory for a large one: the
// generator never masks byte by byte, the server unmasks every byte, exactly
// as it would with a fresh key per frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

constexpr size_t kMaxHead = 24;  // frame header (<= 14) + counter (8), rounded up

class Payload {
public:
    Payload(size_t size, bool text, uint32_t mask_key);

    size_t size() const { return size_; }
    bool text() const { return text_; }
    size_t counter_size() const { return size_ < 8 ? size_ : 8; }
    size_t body_size() const { return size_ - counter_size(); }

    // Writes the start of message `seq` to out: for WebSocket a masked frame
    // header (with key) and counter, for raw TCP the bare counter; then the
    // body too when with_body (small messages leave in one piece). Returns its
    // length, at most kMaxHead + body_size().
    size_t head(uint64_t seq, uint32_t conn, bool ws, bool with_body, uint8_t* out) const;
    // The rest of the message, to send as is.
    const uint8_t* body(uint64_t seq, uint32_t conn, bool ws) const {
        return (ws ? masked_ : pattern_).data() + offset(seq, conn);
    }

    // Compares bytes [pos, pos + len) of the payload of message `seq` with what
    // was sent. Returns the payload position of the first difference, or
    // kSame. The caller keeps pos + len <= size().
    static constexpr size_t kSame = ~size_t{0};
    size_t check(uint64_t seq, uint32_t conn, size_t pos, const uint8_t* data, size_t len) const;

    // "payload byte 17 is 'x', expected 'q'" for a mismatch found by check().
    std::string describe(uint64_t seq, uint32_t conn, size_t pos, uint8_t got) const;

private:
    static size_t offset(uint64_t seq, uint32_t conn) { return 4 * ((seq + conn) % 16); }
    const uint8_t* plain_body(uint64_t seq, uint32_t conn) const { return pattern_.data() + offset(seq, conn); }
    void counter(uint64_t seq, uint8_t out[8]) const;
    uint8_t expected(uint64_t seq, uint32_t conn, size_t pos) const;

    size_t size_;
    bool text_;
    uint8_t key_[4];
    uint8_t frame_head_[16];  // WebSocket frame header and masking key (at most 14)
    size_t frame_head_size_;
    std::vector<uint8_t> pattern_;  // body_size() + 64 ASCII letters
    std::vector<uint8_t> masked_;   // pattern_ XOR key, by position mod 4
};

}  // namespace bench
