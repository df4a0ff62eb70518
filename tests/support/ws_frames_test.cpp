// The test-support frame codec against RFC 6455 §5.7's examples.
#include "tests/support/ws_frames.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using support::masked_frame;
using support::ParsedFrame;

TEST(SupportFrames, MaskedHelloIsTheRfcExample) {
    EXPECT_EQ(masked_frame(0x81, "Hello"), std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"));
}

TEST(SupportFrames, UnmaskedExamples) {
    EXPECT_EQ(support::unmasked_frame(0x81, "Hello"), std::string("\x81\x05\x48\x65\x6c\x6c\x6f"));
    EXPECT_EQ(support::unmasked_frames({{1, false, "Hel", true}, {0, true, "lo", true}}),
              std::string("\x01\x03\x48\x65\x6c\x80\x02\x6c\x6f"));
    EXPECT_EQ(support::unmasked_frame(0x82, std::string(256, 'x')).substr(0, 4), std::string("\x82\x7e\x01\x00", 4));
    EXPECT_EQ(support::unmasked_frame(0x82, std::string(65536, 'x')).substr(0, 10),
              std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
}

TEST(SupportFrames, LengthFormsAndForcedForms) {
    for (auto [size, head] : {std::pair<size_t, size_t>{0, 6}, {125, 6}, {126, 8}, {65535, 8}, {65536, 14}}) {
        std::string frame = masked_frame(0x82, std::string(size, 'p'));
        EXPECT_EQ(frame.size(), head + size) << size;
        EXPECT_EQ(support::frame_head_size(static_cast<uint8_t>(frame[1])), head) << size;
        EXPECT_EQ(support::frame_payload_size(reinterpret_cast<const uint8_t*>(frame.data())), size) << size;
    }
    EXPECT_EQ(masked_frame(0x82, "abc", 0x01020304, 2).substr(0, 8), std::string("\x82\xfe\x00\x03\x01\x02\x03\x04", 8));
    EXPECT_EQ(masked_frame(0x82, "abc", 0x01020304, 8).size(), 2u + 8 + 4 + 3);
}

TEST(SupportFrames, ParsesServerFramesAndStopsAtAnIncompleteOne) {
    std::string bytes = support::unmasked_frame(0x81, "one") + support::unmasked_frame(0x8a, "") +
                        support::unmasked_frame(0x82, std::string(300, 'b'));
    const std::string whole = bytes;
    bytes += support::unmasked_frame(0x88, "\x03\xe8").substr(0, 3);
    size_t used = 0;
    auto frames = support::parse_server_frames(bytes, &used);
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(used, whole.size());
    EXPECT_EQ(frames[0].opcode, 1);
    EXPECT_EQ(frames[0].payload, "one");
    EXPECT_EQ(frames[1].opcode, 10);
    EXPECT_EQ(frames[2].payload, std::string(300, 'b'));
    for (size_t cut = 0; cut < 5; ++cut)  // "\x81\x03one" is 5 bytes
        EXPECT_EQ(support::parse_server_frame(whole.substr(0, cut)).status, ParsedFrame::need_more) << cut;
    EXPECT_EQ(support::parse_server_frame(whole.substr(0, 5)).size, 5u);
    EXPECT_EQ(support::parse_server_frame(masked_frame(0x81, "x")).status, ParsedFrame::masked);
}

TEST(SupportFrames, CloseCode) {
    std::string reason;
    EXPECT_EQ(support::close_code("\x03\xe8" "bye", &reason), 1000);
    EXPECT_EQ(reason, "bye");
    EXPECT_EQ(support::close_code(""), 1005);
}

}  // namespace
