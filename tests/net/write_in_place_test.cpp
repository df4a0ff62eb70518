// Connection::write_in_place: output that lies in the input leaves from there,
// in order with write()s, and what the kernel does not take is kept. The
// protocol answers each line in place (upper-cased), skips "-" lines,
// answers "!" lines with a copy, so adjacent, broken and mixed runs all occur,
// and closes after a "." line (answered first), going on writing.
#include "net/connection.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <thread>

#include "loopback_server.h"

namespace {

using net_test::Client;

class InPlaceLines final : public net::Connection {
public:
    using net::Connection::Connection;

private:
    size_t on_input(std::span<uint8_t> input) noexcept override {
        size_t used = 0;
        for (size_t i = 0; i < input.size(); ++i) {
            if (input[i] != '\n') continue;
            std::span<uint8_t> line = input.subspan(used, i + 1 - used);
            used = i + 1;
            if (line[0] == '-') continue;
            if (line[0] == '!') {
                write("copy:");
                write(line.data(), line.size());
                continue;
            }
            for (uint8_t& c : line) c = static_cast<uint8_t>(std::toupper(c));
            write_in_place(line);
            if (line[0] == '.') close_after_flush();
        }
        return used;
    }
    void on_deadline() noexcept override {}
};

// What the server must answer to `input`.
std::string model(std::string_view input) {
    std::string out;
    for (size_t from = 0, nl; (nl = input.find('\n', from)) != std::string_view::npos; from = nl + 1) {
        std::string line(input.substr(from, nl + 1 - from));
        if (line[0] == '-') continue;
        if (line[0] == '!') {
            out += "copy:" + line;
            continue;
        }
        for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out += line;
        if (line[0] == '.') break;
    }
    return out;
}

std::string round_trip(const std::string& input, size_t piece) {
    std::string expected = model(input);
    return net_test::talk<InPlaceLines>([&](uint16_t port) {
        Client client(port);
        // A separate sender, so a server that stops reading because its
        // output waits cannot block the test.
        std::thread sender([&] {
            for (size_t at = 0; at < input.size(); at += piece) client.send(std::string_view(input).substr(at, piece));
        });
        std::string got = client.receive(expected.size());
        sender.join();
        return got;
    });
}

TEST(WriteInPlace, AdjacentAnswersLeaveInOrder) {
    std::string input = "a\nbb\nccc\n";
    EXPECT_EQ(round_trip(input, input.size()), "A\nBB\nCCC\n");
}

TEST(WriteInPlace, SkippedAndCopiedLinesKeepTheOrder) {
    std::string input = "a\n-x\nb\n!c\nd\ne\n-\n!f\n";
    EXPECT_EQ(round_trip(input, input.size()), "A\nB\ncopy:!c\nD\nE\ncopy:!f\n");
}

TEST(WriteInPlace, WhatIsWrittenBeforeACloseIsSentAndNothingAfterIt) {
    // The protocol goes on writing in place, and with copies, after
    // close_after_flush(): none of it may reach the peer, who sees the end.
    const std::string input = "a\n.\nb\n!c\nd\n";
    const std::string got = net_test::talk<InPlaceLines>([&](uint16_t port) {
        Client client(port);
        client.send(input);
        return client.receive(100);  // ends at the server's close
    });
    EXPECT_EQ(got, "A\n.\n");
}

TEST(WriteInPlace, LinesSplitAcrossReadsAreAnsweredFromTheKeptInput) {
    std::string input = "first line\n-skip\n!copy\nsecond\nthird line is longer\n";
    EXPECT_EQ(round_trip(input, 1), model(input));
    EXPECT_EQ(round_trip(input, 7), model(input));
}

TEST(WriteInPlace, EightMegabytesComeBackExactWhenTheKernelTakesPartOfEachSend) {
    // Far more than the socket buffers hold, so sends are cut short and the
    // rest waits in the backlog; every line is distinct, so a lost, doubled or
    // misplaced piece shows.
    std::string input;
    for (int i = 0; input.size() < (8u << 20); ++i) {
        char lead = i % 7 == 3 ? '-' : i % 11 == 5 ? '!' : 'x';
        input += lead + std::to_string(i) + std::string(static_cast<size_t>(i % 300), 'a' + i % 26) + "\n";
    }
    std::string expected = model(input);
    std::string got = round_trip(input, 64 * 1024);
    ASSERT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected) << "first difference at byte " << std::mismatch(got.begin(), got.end(), expected.begin()).first - got.begin();
}

}  // namespace
