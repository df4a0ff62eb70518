#include "websocket/frame.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "tests/support/ws_frames.h"
#include "websocket/utf8.h"

namespace {

using websocket::Decode;
using websocket::decode_frame;
using websocket::Opcode;
using Bytes = std::vector<uint8_t>;

constexpr std::array<uint8_t, 4> kRfcKey = {0x37, 0xfa, 0x21, 0x3d};  // RFC 6455 §5.7
constexpr uint64_t kNoLimit = uint64_t{1} << 62;

std::string text_of(std::span<const uint8_t> bytes) { return std::string(bytes.begin(), bytes.end()); }

// A client frame as a browser sends it: masked, length in the minimal form
// unless `length_bytes` (0, 2 or 8) forces one (tests/support/ws_frames.h).
Bytes client_frame(uint8_t first_byte, std::string_view payload, std::array<uint8_t, 4> key = kRfcKey,
                   int length_bytes = -1) {
    const uint32_t mask = uint32_t{key[0]} << 24 | uint32_t{key[1]} << 16 | uint32_t{key[2]} << 8 | key[3];
    const std::string frame = support::masked_frame(first_byte, payload, mask, length_bytes);
    return Bytes(frame.begin(), frame.end());
}

using support::pattern;

struct ValidFrame {
    const char* name;
    Bytes bytes;
    bool fin;
    Opcode opcode;
    std::string payload;
};

std::vector<ValidFrame> valid_frames() {
    return {
        {"rfc single-frame masked Hello", {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, true,
         Opcode::text, "Hello"},
        {"fragment 1: Hel", client_frame(0x01, "Hel"), false, Opcode::text, "Hel"},
        {"fragment 2: lo", client_frame(0x80, "lo"), true, Opcode::continuation, "lo"},
        {"middle fragment", client_frame(0x00, "-", {1, 2, 3, 4}), false, Opcode::continuation, "-"},
        {"masked ping Hello", client_frame(0x89, "Hello"), true, Opcode::ping, "Hello"},
        {"masked pong Hello", client_frame(0x8a, "Hello"), true, Opcode::pong, "Hello"},
        {"close 1000", client_frame(0x88, "\x03\xe8"), true, Opcode::close, "\x03\xe8"},
        {"empty close", client_frame(0x88, ""), true, Opcode::close, ""},
        {"ping of 125 bytes", client_frame(0x89, pattern(125)), true, Opcode::ping, pattern(125)},
        {"empty text", client_frame(0x81, ""), true, Opcode::text, ""},
        {"binary 125", client_frame(0x82, pattern(125)), true, Opcode::binary, pattern(125)},
        {"binary 126", client_frame(0x82, pattern(126)), true, Opcode::binary, pattern(126)},
        {"rfc 256-byte binary", client_frame(0x82, pattern(256)), true, Opcode::binary, pattern(256)},
        {"binary 65535", client_frame(0x82, pattern(65535)), true, Opcode::binary, pattern(65535)},
        {"rfc 64 KiB binary", client_frame(0x82, pattern(65536)), true, Opcode::binary, pattern(65536)},
        {"zero mask key", client_frame(0x82, "abc", {0, 0, 0, 0}), true, Opcode::binary, "abc"},
    };
}

TEST(DecodeFrame, ValidFrames) {
    for (ValidFrame& f : valid_frames()) {
        size_t size = f.bytes.size();
        auto result = decode_frame(f.bytes, kNoLimit);
        ASSERT_EQ(result.status, Decode::frame) << f.name << ": " << result.problem;
        EXPECT_EQ(result.fin, f.fin) << f.name;
        EXPECT_EQ(result.opcode, f.opcode) << f.name;
        EXPECT_EQ(text_of(result.payload), f.payload) << f.name;
        EXPECT_EQ(result.consumed, size) << f.name;
        EXPECT_EQ(result.payload.data() + result.payload.size(), f.bytes.data() + size) << f.name;
    }
}

TEST(DecodeFrame, LengthForms) {
    // Header sizes: 2 + 4 (mask) for 0..125, 4 + 4 for 126..65535, 10 + 4 above.
    const std::pair<size_t, size_t> cases[] = {{0, 6}, {125, 6}, {126, 8}, {65535, 8}, {65536, 14}};
    for (auto [payload_size, header_size] : cases) {
        Bytes frame = client_frame(0x82, pattern(payload_size));
        EXPECT_EQ(frame.size(), header_size + payload_size);
        auto result = decode_frame(frame, payload_size);  // max_payload equal to the size is allowed
        ASSERT_EQ(result.status, Decode::frame) << payload_size << ": " << result.problem;
        EXPECT_EQ(result.payload.data(), frame.data() + header_size) << payload_size;
        EXPECT_EQ(text_of(result.payload), pattern(payload_size)) << payload_size;
    }
}

TEST(DecodeFrame, EveryProperPrefixNeedsMore) {
    for (ValidFrame& f : valid_frames()) {
        std::span<uint8_t> all(f.bytes);
        size_t size = all.size();
        // Small frames: every split. Big ones: the whole header region and a
        // few points in the payload.
        std::vector<size_t> prefixes;
        for (size_t i = 0; i < size && (size <= 300 || i < 20); ++i) prefixes.push_back(i);
        if (size > 300) prefixes.insert(prefixes.end(), {size / 2, size - 2, size - 1});
        for (size_t prefix : prefixes) {
            auto result = decode_frame(all.first(prefix), kNoLimit);
            EXPECT_EQ(result.status, Decode::need_more) << f.name << " prefix " << prefix << ": " << result.problem;
        }
        // The prefixes must not have touched the bytes: the whole still decodes.
        auto result = decode_frame(all, kNoLimit);
        ASSERT_EQ(result.status, Decode::frame) << f.name;
        EXPECT_EQ(text_of(result.payload), f.payload) << f.name;
    }
}

TEST(DecodeFrame, ConsumesOneFrameAtATime) {
    Bytes stream = client_frame(0x01, "Hel");
    Bytes ping = client_frame(0x89, "ping", {9, 8, 7, 6});
    Bytes last = client_frame(0x80, "lo", {0xaa, 0xbb, 0xcc, 0xdd});
    stream.insert(stream.end(), ping.begin(), ping.end());
    stream.insert(stream.end(), last.begin(), last.end());
    stream.push_back(0x81);  // the start of a next frame

    std::span<uint8_t> rest(stream);
    const std::pair<Opcode, std::string> expected[] = {
        {Opcode::text, "Hel"}, {Opcode::ping, "ping"}, {Opcode::continuation, "lo"}};
    for (const auto& [opcode, payload] : expected) {
        auto result = decode_frame(rest, kNoLimit);
        ASSERT_EQ(result.status, Decode::frame);
        EXPECT_EQ(result.opcode, opcode);
        EXPECT_EQ(text_of(result.payload), payload);
        rest = rest.subspan(result.consumed);
    }
    EXPECT_EQ(rest.size(), 1u);
    EXPECT_EQ(decode_frame(rest, kNoLimit).status, Decode::need_more);
}

struct BadFrame {
    const char* name;
    Bytes bytes;
    uint64_t max_payload;
    uint16_t close_code;
    const char* problem;
};

constexpr const char* kRsv = "RSV1-3 set but no extension was negotiated";
constexpr const char* kOpcode = "reserved opcode (3-7 and 11-15 are not defined)";
constexpr const char* kUnmasked = "client frame is not masked";
constexpr const char* kControl = "control frame fragmented or over 125 bytes";
constexpr const char* kMsb = "64-bit payload length has the most significant bit set";
constexpr const char* kMinimal = "payload length not in the minimal number of bytes";
constexpr const char* kTooBig = "frame payload over the message size limit";

std::vector<BadFrame> bad_frames() {
    std::vector<BadFrame> cases = {
        {"RSV1", client_frame(0xc1, "x"), kNoLimit, 1002, kRsv},
        {"RSV2", client_frame(0xa1, "x"), kNoLimit, 1002, kRsv},
        {"RSV3", client_frame(0x91, "x"), kNoLimit, 1002, kRsv},
        {"RSV on a continuation", client_frame(0x40, "x"), kNoLimit, 1002, kRsv},
        {"RSV known from the first byte", {0xc1}, kNoLimit, 1002, kRsv},
        {"unmasked text", {0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}, kNoLimit, 1002, kUnmasked},
        {"unmasked, known from 2 bytes", {0x82, 0x7e}, kNoLimit, 1002, kUnmasked},
        {"fragmented ping", client_frame(0x09, "x"), kNoLimit, 1002, kControl},
        {"fragmented close", client_frame(0x08, ""), kNoLimit, 1002, kControl},
        {"ping of 126 bytes", client_frame(0x89, pattern(126)), kNoLimit, 1002, kControl},
        {"pong, 16-bit length form", {0x8a, 0xfe}, kNoLimit, 1002, kControl},
        {"close, 64-bit length form", {0x88, 0xff}, kNoLimit, 1002, kControl},
        {"64-bit length with msb", {0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0}, kNoLimit, 1002, kMsb},
        {"msb known from 3 bytes", {0x82, 0xff, 0xff}, kNoLimit, 1002, kMsb},
        {"0 in 16 bits", {0x82, 0xfe, 0x00, 0x00, 1, 2, 3, 4}, kNoLimit, 1002, kMinimal},
        {"125 in 16 bits", client_frame(0x82, pattern(125), kRfcKey, 2), kNoLimit, 1002, kMinimal},
        {"125 in 64 bits", client_frame(0x82, pattern(125), kRfcKey, 8), kNoLimit, 1002, kMinimal},
        {"65535 in 64 bits", {0x82, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, kNoLimit, 1002, kMinimal},
        {"over the limit, header only", {0x82, 0xfe, 0x03, 0xe9}, 1000, 1009, kTooBig},
        {"over the limit, 7-bit form", client_frame(0x81, "Hello"), 4, 1009, kTooBig},
        {"over the limit, 64-bit form", {0x82, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0}, 1 << 20, 1009, kTooBig},
    };
    for (uint8_t op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
        cases.push_back({"reserved opcode", client_frame(static_cast<uint8_t>(0x80 | op), "x"), kNoLimit, 1002, kOpcode});
        cases.push_back({"reserved opcode, first byte only", {static_cast<uint8_t>(op)}, kNoLimit, 1002, kOpcode});
    }
    return cases;
}

TEST(DecodeFrame, RefusesEachRule) {
    for (BadFrame& c : bad_frames()) {
        auto result = decode_frame(c.bytes, c.max_payload);
        ASSERT_EQ(result.status, Decode::bad) << c.name;
        EXPECT_EQ(result.close_code, c.close_code) << c.name;
        EXPECT_EQ(result.problem, c.problem) << c.name;
    }
}

TEST(DecodeFrame, MaxPayloadBoundsDataFramesOnly) {
    // Control frames have their own bound (125, else 1002), so a session can
    // pass what is left of its message as the limit and still take a ping
    // between fragments when less than 125 bytes are left.
    for (uint8_t first : {0x89, 0x8a, 0x88}) {
        Bytes frame = client_frame(first, first == 0x88 ? std::string("\x03\xe8") + pattern(123) : pattern(125));
        auto result = decode_frame(frame, 0);
        ASSERT_EQ(result.status, Decode::frame) << int{first} << ": " << result.problem;
        EXPECT_EQ(result.payload.size(), 125u) << int{first};
    }
    for (uint8_t first : {0x80, 0x81, 0x82, 0x00, 0x01, 0x02}) {
        Bytes frame = client_frame(first, "x");
        auto result = decode_frame(frame, 0);
        ASSERT_EQ(result.status, Decode::bad) << int{first};
        EXPECT_EQ(result.close_code, 1009) << int{first};
        EXPECT_EQ(result.problem, kTooBig) << int{first};
    }
}

TEST(DecodeFrame, UnmasksEveryLengthAtEveryAlignment) {
    const std::array<uint8_t, 4> key = {0x01, 0x80, 0xfe, 0x5a};
    for (size_t size = 0; size <= 40; ++size) {
        std::string payload = pattern(size);
        Bytes frame = client_frame(0x82, payload, key);
        for (size_t offset = 0; offset < 8; ++offset) {
            Bytes buffer(offset, 0xee);
            buffer.insert(buffer.end(), frame.begin(), frame.end());
            buffer.insert(buffer.end(), 8, 0xee);
            std::span<uint8_t> in = std::span<uint8_t>(buffer).subspan(offset, frame.size());
            auto result = decode_frame(in, kNoLimit);
            ASSERT_EQ(result.status, Decode::frame) << size << " at " << offset;
            EXPECT_EQ(text_of(result.payload), payload) << size << " at " << offset;
            // Nothing around the frame is written.
            for (size_t i = 0; i < offset; ++i) EXPECT_EQ(buffer[i], 0xee);
            for (size_t i = offset + frame.size(); i < buffer.size(); ++i) EXPECT_EQ(buffer[i], 0xee);
        }
    }
}

TEST(DecodeFrame, UnmaskLaterLeavesThePayloadMasked) {
    for (ValidFrame& f : valid_frames()) {
        const Bytes original = f.bytes;
        auto result = decode_frame(f.bytes, kNoLimit, websocket::Unmask::later);
        ASSERT_EQ(result.status, Decode::frame) << f.name << ": " << result.problem;
        EXPECT_EQ(result.fin, f.fin) << f.name;
        EXPECT_EQ(result.opcode, f.opcode) << f.name;
        EXPECT_EQ(result.consumed, original.size()) << f.name;
        EXPECT_EQ(f.bytes, original) << f.name << ": the input was written";
        // The payload is the masked bytes where they lie; the key is the 4
        // bytes before them.
        const size_t header_size = original.size() - f.payload.size();
        ASSERT_EQ(result.payload.data(), f.bytes.data() + header_size) << f.name;
        ASSERT_EQ(result.payload.size(), f.payload.size()) << f.name;
        EXPECT_EQ(Bytes(result.mask, result.mask + 4), Bytes(&original[header_size - 4], &original[header_size]))
            << f.name;
        websocket::unmask(result.payload.data(), result.payload, result.mask);
        EXPECT_EQ(text_of(result.payload), f.payload) << f.name;
    }
}

TEST(DecodeFrame, UnmaskInPlaceAlsoReportsTheKey) {
    for (ValidFrame& f : valid_frames()) {
        const Bytes original = f.bytes;
        const size_t header_size = original.size() - f.payload.size();
        auto result = decode_frame(f.bytes, kNoLimit, websocket::Unmask::in_place);
        ASSERT_EQ(result.status, Decode::frame) << f.name << ": " << result.problem;
        EXPECT_EQ(text_of(result.payload), f.payload) << f.name;
        EXPECT_EQ(Bytes(result.mask, result.mask + 4), Bytes(&original[header_size - 4], &original[header_size]))
            << f.name;
    }
    Bytes frame = client_frame(0x81, "abc", {0x11, 0x22, 0x33, 0x44});
    auto result = decode_frame(frame, kNoLimit);  // the default mode
    EXPECT_EQ(Bytes(result.mask, result.mask + 4), (Bytes{0x11, 0x22, 0x33, 0x44}));
}

TEST(DecodeFrame, UnmaskLaterPrefixesNeedMoreAndTouchNothing) {
    Bytes frame = client_frame(0x82, pattern(300), {9, 8, 7, 6});
    const Bytes original = frame;
    for (size_t prefix = 0; prefix < frame.size(); ++prefix) {
        auto result = decode_frame(std::span<uint8_t>(frame).first(prefix), kNoLimit, websocket::Unmask::later);
        EXPECT_EQ(result.status, Decode::need_more) << prefix;
    }
    EXPECT_EQ(frame, original);
}

// A frame still arriving, as need_more reports it: once the header is in, the
// session can pass the payload on as it comes, so it needs the header's
// fields and the part of the payload that is there, still masked.
struct ArrivingFrame {
    const char* name;
    uint8_t first_byte;
    size_t payload_size;
    size_t header_size;  // the client's: 2, 4 or 10, plus the 4-byte key
};

const ArrivingFrame kArrivingFrames[] = {
    {"binary, 7-bit length", 0x82, 100, 6},
    {"binary, 16-bit length", 0x82, 300, 8},
    {"binary, 64-bit length", 0x82, 70000, 14},
    {"text fragment, 16-bit length", 0x01, 126, 8},
    {"last continuation, 7-bit length", 0x80, 125, 6},
    {"middle continuation, 64-bit length", 0x00, 65536, 14},
    {"ping", 0x89, 125, 6},
    {"close", 0x88, 2, 6},
};

// Every prefix of a small frame; for big ones the header region, a few early
// payload sizes (all four key phases) and the last ones.
std::vector<size_t> prefixes_of(size_t frame_size) {
    std::vector<size_t> prefixes;
    for (size_t i = 0; i < frame_size && (frame_size <= 400 || i < 24); ++i) prefixes.push_back(i);
    if (frame_size > 400) prefixes.insert(prefixes.end(), {frame_size / 2, frame_size - 2, frame_size - 1});
    return prefixes;
}

TEST(DecodeFrame, NeedMoreAfterTheHeaderReportsFieldsAndArrivedPayload) {
    const std::array<uint8_t, 4> key = {0xa5, 0x3c, 0x0f, 0x96};
    for (const ArrivingFrame& f : kArrivingFrames) {
        Bytes frame = client_frame(f.first_byte, pattern(f.payload_size), key);
        ASSERT_EQ(frame.size(), f.header_size + f.payload_size) << f.name;
        const Bytes original = frame;
        for (websocket::Unmask when : {websocket::Unmask::later, websocket::Unmask::in_place}) {
            for (size_t prefix : prefixes_of(frame.size())) {
                if (prefix < f.header_size) continue;
                auto result = decode_frame(std::span<uint8_t>(frame).first(prefix), kNoLimit, when);
                const std::string label = std::string(f.name) + " prefix " + std::to_string(prefix);
                ASSERT_EQ(result.status, Decode::need_more) << label << ": " << result.problem;
                EXPECT_EQ(result.frame_size, frame.size()) << label;
                EXPECT_TRUE(result.header_in) << label;
                EXPECT_EQ(result.fin, (f.first_byte & 0x80) != 0) << label;
                EXPECT_EQ(result.opcode, static_cast<Opcode>(f.first_byte & 0x0f)) << label;
                EXPECT_EQ(Bytes(result.mask, result.mask + 4), Bytes(key.begin(), key.end())) << label;
                // The arrived part, where it lies, as it came: still masked.
                EXPECT_EQ(result.payload.data(), frame.data() + f.header_size) << label;
                EXPECT_EQ(result.payload.size(), prefix - f.header_size) << label;
                EXPECT_EQ(result.consumed, 0u) << label;
                ASSERT_EQ(frame, original) << label << ": the input was written";
                // Unmasking it with the reported key gives the payload's start.
                Bytes plain(result.payload.size());
                websocket::unmask(plain.data(), result.payload, result.mask);
                EXPECT_EQ(text_of(plain), pattern(f.payload_size).substr(0, plain.size())) << label;
            }
        }
    }
}

TEST(DecodeFrame, NeedMoreInsideTheHeaderLeavesTheFieldsEmpty) {
    const std::array<uint8_t, 4> key = {0xa5, 0x3c, 0x0f, 0x96};
    for (const ArrivingFrame& f : kArrivingFrames) {
        Bytes frame = client_frame(f.first_byte, pattern(f.payload_size), key);
        const Bytes original = frame;
        // The whole frame's size is known once the length bytes are in.
        const size_t length_known = f.header_size - 4;
        for (size_t prefix = 0; prefix < f.header_size; ++prefix) {
            auto result = decode_frame(std::span<uint8_t>(frame).first(prefix), kNoLimit, websocket::Unmask::later);
            const std::string label = std::string(f.name) + " prefix " + std::to_string(prefix);
            ASSERT_EQ(result.status, Decode::need_more) << label << ": " << result.problem;
            EXPECT_EQ(result.frame_size, prefix >= length_known ? frame.size() : 0u) << label;
            EXPECT_FALSE(result.header_in) << label;
            EXPECT_FALSE(result.fin) << label;
            EXPECT_EQ(result.opcode, Opcode::continuation) << label;
            EXPECT_EQ(result.payload.data(), nullptr) << label;
            EXPECT_TRUE(result.payload.empty()) << label;
            EXPECT_EQ(Bytes(result.mask, result.mask + 4), (Bytes{0, 0, 0, 0})) << label;
            EXPECT_EQ(result.consumed, 0u) << label;
        }
        EXPECT_EQ(frame, original) << f.name;
    }
}

// Exactly the header: the session streams from here, so an empty payload that
// points past the header (not a null one) is what tells "header complete".
TEST(DecodeFrame, NeedMoreWithTheHeaderOnlyHasAnEmptyPayloadAfterIt) {
    for (const ArrivingFrame& f : kArrivingFrames) {
        Bytes frame = client_frame(f.first_byte, pattern(f.payload_size));
        auto result = decode_frame(std::span<uint8_t>(frame).first(f.header_size), kNoLimit, websocket::Unmask::later);
        ASSERT_EQ(result.status, Decode::need_more) << f.name;
        EXPECT_EQ(result.payload.data(), frame.data() + f.header_size) << f.name;
        EXPECT_TRUE(result.payload.empty()) << f.name;
        EXPECT_EQ(Bytes(result.mask, result.mask + 4), Bytes(kRfcKey.begin(), kRfcKey.end())) << f.name;
    }
}

TEST(HeaderSize, AgreesWithWriteHeader) {
    static_assert(websocket::header_size(0) == 2 && websocket::header_size(125) == 2);
    static_assert(websocket::header_size(126) == 4 && websocket::header_size(65535) == 4);
    static_assert(websocket::header_size(65536) == 10 && websocket::header_size(uint64_t{1} << 32) == 10);
    const uint64_t sizes[] = {0, 1, 125, 126, 127, 65535, 65536, uint64_t{1} << 32, (uint64_t{1} << 63) - 1};
    const size_t expected[] = {2, 2, 2, 4, 4, 4, 10, 10, 10};
    for (size_t i = 0; i < std::size(sizes); ++i) {
        uint8_t out[websocket::kMaxHeaderSize];
        EXPECT_EQ(websocket::header_size(sizes[i]), websocket::write_header(out, Opcode::binary, sizes[i]))
            << sizes[i];
        EXPECT_EQ(websocket::header_size(sizes[i]), expected[i]) << sizes[i];
    }
}

TEST(WriteHeader, BoundaryLengths) {
    struct Case {
        uint64_t size;
        Bytes header;
    };
    const Case cases[] = {
        {0, {0x82, 0x00}},
        {125, {0x82, 0x7d}},
        {126, {0x82, 0x7e, 0x00, 0x7e}},
        {65535, {0x82, 0x7e, 0xff, 0xff}},
        {65536, {0x82, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}},
        {0x123456789aULL, {0x82, 0x7f, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x9a}},
    };
    for (const Case& c : cases) {
        uint8_t out[websocket::kMaxHeaderSize];
        size_t size = websocket::write_header(out, Opcode::binary, c.size);
        EXPECT_EQ(Bytes(out, out + size), c.header) << c.size;
    }
    uint8_t out[websocket::kMaxHeaderSize];
    ASSERT_EQ(websocket::write_header(out, Opcode::text, 3, false), 2u);
    EXPECT_EQ(Bytes(out, out + 2), (Bytes{0x01, 0x03}));
    ASSERT_EQ(websocket::write_header(out, Opcode::continuation, 3, true), 2u);
    EXPECT_EQ(Bytes(out, out + 2), (Bytes{0x80, 0x03}));
    ASSERT_EQ(websocket::write_header(out, Opcode::pong, 0), 2u);
    EXPECT_EQ(Bytes(out, out + 2), (Bytes{0x8a, 0x00}));
}

TEST(AppendFrame, RfcUnmaskedExamples) {
    std::string out = "prefix";
    websocket::append_frame(out, Opcode::text, "Hello");
    EXPECT_EQ(out, std::string("prefix\x81\x05Hello"));  // RFC 6455 §5.7 single-frame unmasked

    std::string pong;
    websocket::append_frame(pong, Opcode::pong, "Hello");
    EXPECT_EQ(pong, "\x8a\x05Hello");

    std::string big;
    websocket::append_frame(big, Opcode::binary, pattern(256));
    EXPECT_EQ(big, std::string("\x82\x7e\x01\x00", 4) + pattern(256));

    std::string huge;
    websocket::append_frame(huge, Opcode::binary, pattern(65536));
    EXPECT_EQ(huge, std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10) + pattern(65536));
}

std::span<const uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(CloseCodes, ValidOnTheWire) {
    for (uint32_t code = 0; code <= 0xffff; ++code) {
        bool expected = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        EXPECT_EQ(websocket::is_valid_close_code(static_cast<uint16_t>(code)), expected) << code;
    }
}

TEST(ParseClosePayload, Valid) {
    struct Case {
        const char* name;
        std::string payload;
        uint16_t code;
        std::string reason;
    };
    const Case cases[] = {
        {"empty: no status", "", 1005, ""},
        {"normal, no reason", "\x03\xe8", 1000, ""},
        {"going away with reason", "\x03\xe9" "bye", 1001, "bye"},
        {"1003", "\x03\xeb", 1003, ""},
        {"1007", "\x03\xef", 1007, ""},
        {"1014", "\x03\xf6", 1014, ""},
        {"3000", "\x0b\xb8", 3000, ""},
        {"4999 with UTF-8 reason", "\x13\x87" "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", 4999,
         "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"},
    };
    for (const Case& c : cases) {
        auto close = websocket::parse_close_payload(bytes_of(c.payload));
        EXPECT_EQ(close.error_code, 0) << c.name << ": " << close.problem;
        EXPECT_EQ(close.code, c.code) << c.name;
        EXPECT_EQ(close.reason, c.reason) << c.name;
    }
}

TEST(ParseClosePayload, RefusesEachRule) {
    struct Case {
        const char* name;
        std::string payload;
        uint16_t error_code;
        const char* problem;
    };
    constexpr const char* kBelow = "close code below 1000 is not used";
    constexpr const char* kReserved = "close code 1004-1006 or 1015 is reserved, never sent";
    constexpr const char* kUnassigned = "close code 1016-2999 is not assigned";
    constexpr const char* kAbove = "close code 5000 or above is out of range";
    constexpr const char* kUtf8 = "close reason is not valid UTF-8";
    const Case cases[] = {
        {"1 byte", "\x03", 1002, "close payload of 1 byte (a status code takes 2)"},
        {"0", std::string("\x00\x00", 2), 1002, kBelow},
        {"999", "\x03\xe7", 1002, kBelow},
        {"1004", "\x03\xec", 1002, kReserved},
        {"1005", "\x03\xed", 1002, kReserved},
        {"1006", "\x03\xee", 1002, kReserved},
        {"1015", "\x03\xf7", 1002, kReserved},
        {"1016", "\x03\xf8", 1002, kUnassigned},
        {"2000", "\x07\xd0", 1002, kUnassigned},
        {"2999", "\x0b\xb7", 1002, kUnassigned},
        {"5000", "\x13\x88", 1002, kAbove},
        {"65535", "\xff\xff", 1002, kAbove},
        {"reason with FF", "\x03\xe8" "ok\xff", 1007, kUtf8},
        {"reason with surrogate", "\x03\xe8" "\xed\xa0\x80", 1007, kUtf8},
        {"reason cut mid-character", "\x03\xe8" "\xe2\x82", 1007, kUtf8},
    };
    for (const Case& c : cases) {
        auto close = websocket::parse_close_payload(bytes_of(c.payload));
        EXPECT_EQ(close.error_code, c.error_code) << c.name;
        EXPECT_EQ(close.problem, c.problem) << c.name;
    }
}

TEST(ClosePayload, CodeAndReason) {
    EXPECT_EQ(websocket::close_payload(1000, ""), "\x03\xe8");
    EXPECT_EQ(websocket::close_payload(1009, "message too big"), "\x03\xf1" "message too big");
    EXPECT_EQ(websocket::close_payload(4000, "x"), "\x0f\xa0" "x");
    EXPECT_EQ(websocket::close_payload(1005, "ignored"), "");  // 1005 means "no code": empty payload
    EXPECT_EQ(websocket::close_payload(1000, std::string(200, 'a')), "\x03\xe8" + std::string(123, 'a'));
    EXPECT_EQ(websocket::close_payload(1000, std::string(123, 'a')), "\x03\xe8" + std::string(123, 'a'));
}

TEST(ClosePayload, CutsReasonAtACharacterBoundary) {
    struct Case {
        const char* name;
        std::string reason;
        size_t kept;  // bytes of the reason kept
    };
    const std::string e_acute = "\xc3\xa9", euro = "\xe2\x82\xac", emoji = "\xf0\x9f\x98\x80";
    const Case cases[] = {
        {"2-byte char straddling", std::string(122, 'a') + e_acute, 122},
        {"2-byte char ending at 123", std::string(121, 'a') + e_acute + "b", 123},
        {"3-byte char, 1 byte in", std::string(122, 'a') + euro, 122},
        {"3-byte char, 2 bytes in", std::string(121, 'a') + euro, 121},
        {"3-byte char ending at 123", std::string(120, 'a') + euro + "b", 123},
        {"4-byte char, 3 bytes in", std::string(120, 'a') + emoji, 120},
        {"4-byte char, 1 byte in", std::string(122, 'a') + emoji, 122},
        {"4-byte char ending at 123", std::string(119, 'a') + emoji + emoji, 123},
        {"all 2-byte chars", [&] { std::string r; for (int i = 0; i < 100; ++i) r += e_acute; return r; }(), 122},
    };
    for (const Case& c : cases) {
        std::string payload = websocket::close_payload(1001, c.reason);
        ASSERT_EQ(payload.size(), 2 + c.kept) << c.name;
        EXPECT_EQ(payload.substr(2), c.reason.substr(0, c.kept)) << c.name;
        auto parsed = websocket::parse_close_payload(bytes_of(payload));
        EXPECT_EQ(parsed.error_code, 0) << c.name << ": " << parsed.problem;
        EXPECT_EQ(parsed.code, 1001) << c.name;
    }
}

}  // namespace
