// Regression (found by tests/load, root cause and unit test in
// tests/net/connection_regress_test.cpp): when the bytes that make a server
// close a connection arrived in two reads, the goodbye was lost: no close
// reply, no 1009, no "Connection: close" response. In each case here the
// first part is acknowledged (pong, response) before the rest is sent, so
// the rest is certain to come in a read of its own.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "harness.h"

namespace {

using namespace harness;

TEST(SplitInputRegress, CloseReplyWhenTheCloseFrameComesInTwoReads) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"));
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    UniqueFd fd = ws_connect(server.port);
    ASSERT_TRUE(fd);
    const std::string close = masked_frame(0x88, "\x03\xe8");
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x89, "mark") + close.substr(0, 3)));
    Frame pong = read_frame(fd.get());
    ASSERT_TRUE(pong.ok);
    EXPECT_EQ(pong.opcode, 10);
    ASSERT_TRUE(send_all(fd.get(), close.substr(3)));
    EXPECT_EQ(read_close_code(fd.get()), 1000);
    EXPECT_TRUE(wait_closed(fd.get()));
}

TEST(SplitInputRegress, Close1009WhenTheFragmentsPassTheLimitAcrossReads) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--max-message", "64KiB"});
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    UniqueFd fd = ws_connect(server.port);
    ASSERT_TRUE(fd);
    const std::string second = masked_frame(0x80, std::string(40'000, 'b'));
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x02, std::string(40'000, 'a')) + masked_frame(0x89, "mark") +
                                        second.substr(0, 100)));
    Frame pong = read_frame(fd.get());
    ASSERT_TRUE(pong.ok);
    EXPECT_EQ(pong.opcode, 10);
    ASSERT_TRUE(send_all(fd.get(), second.substr(100)));
    EXPECT_EQ(read_close_code(fd.get()), 1009);
}

TEST(SplitInputRegress, ConnectionCloseResponseWhenTheHeadComesInTwoReads) {
    TempDir dir;
    write_file(dir.file("index.html"), "<!doctype html>\n");
    Process http(bin("registry-http"),
                 {"--port", "0", "--registry", dir.file("servers.json"), "--web", dir.path()});
    auto line = http.wait_for_line("listening on http://127.0.0.1:");
    ASSERT_TRUE(line) << http.stderr_text();
    const uint16_t port = static_cast<uint16_t>(std::atoi(line->c_str() + line->find("127.0.0.1:") + 10));
    UniqueFd fd = connect_to(port);
    ASSERT_TRUE(fd);
    const std::string first = "GET /api/registry HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const std::string second = "GET /api/registry HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    ASSERT_TRUE(send_all(fd.get(), first + second.substr(0, 20)));
    EXPECT_EQ(http_status(recv_http_response(fd.get())), 200);
    ASSERT_TRUE(send_all(fd.get(), second.substr(20)));
    std::string response = recv_http_response(fd.get());
    EXPECT_EQ(http_status(response), 200) << response;
    EXPECT_EQ(http_body(response), "[]\n");
    EXPECT_TRUE(wait_closed(fd.get()));
}

}  // namespace
