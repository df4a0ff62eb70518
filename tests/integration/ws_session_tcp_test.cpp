// The session over real TCP, where a unit test cannot reach: Autobahn 6.4.3
// and 6.4.4 (one text frame in three chops, the second making it invalid:
// the 1007 arrives before the third is sent), and deadlines after the server
// was stopped and continued (issue 10, finding 10: a pong that arrived while
// the server was stopped is read before the ping's deadline is judged).
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include <gtest/gtest.h>

#include <string>

#include "harness.h"

namespace {

using namespace harness;

// Sends one text frame as three chops; returns the close code that came
// after the second (0 if none came in time).
uint16_t close_after_second_chop(const std::string& part1, const std::string& part2, const std::string& part3) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"));
    UniqueFd fd = ws_connect(server.port);
    EXPECT_TRUE(fd);
    const std::string frame = masked_frame(0x81, part1 + part2 + part3);
    const size_t second = 6 + part1.size(), third = second + part2.size();  // a 2-byte header and the key
    EXPECT_TRUE(send_all(fd.get(), frame.substr(0, second)));
    EXPECT_TRUE(send_all(fd.get(), frame.substr(second, third - second)));
    std::string reason;
    uint16_t code = read_close_code(fd.get(), &reason);
    EXPECT_EQ(reason, code == 1007 ? "text message is not valid UTF-8" : reason);
    (void)send_all(fd.get(), frame.substr(third));  // the rest, after the verdict (may find the socket closed)
    return code;
}

TEST(WsSessionTcp, Autobahn_6_4_3_InvalidSecondChopFailsBeforeTheRest) {
    EXPECT_EQ(close_after_second_chop("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xf4\x90\x80\x80",
                                      "\x65\x64\x69\x74\x65\x64"),
              1007);
}

TEST(WsSessionTcp, Autobahn_6_4_4_InvalidByteAloneInSecondChopFailsBeforeTheRest) {
    EXPECT_EQ(close_after_second_chop("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4", "\x90",
                                      "\x80\x80\x65\x64\x69\x74\x65\x64"),
              1007);
}

TEST(WsSessionTcp, PongThatArrivedWhileStoppedIsReadBeforeTheDeadline) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--ping-interval", "200ms"});
    UniqueFd fd = ws_connect(server.port);
    ASSERT_TRUE(fd);
    Frame ping = read_frame(fd.get());
    ASSERT_EQ(ping.opcode, 9);
    // Stopped while it waits for the pong; the pong arrives in time, then the
    // deadline passes while the server cannot run.
    const pid_t pid = server.process.pid();
    int status = 0;
    ::kill(pid, SIGSTOP);
    ASSERT_EQ(::waitpid(pid, &status, WUNTRACED), pid);
    ASSERT_TRUE(WIFSTOPPED(status));
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x8a, "")));
    timespec past_the_deadline{0, 500'000'000};  // no event marks time passing: this wait is the test
    ::nanosleep(&past_the_deadline, nullptr);
    ::kill(pid, SIGCONT);
    ASSERT_EQ(::waitpid(pid, &status, WCONTINUED), pid);
    // The pong counts: the next thing is another ping after a quiet interval,
    // not a close 1001 "no answer to ping".
    Frame next = read_frame(fd.get());
    EXPECT_EQ(next.opcode, 9) << "payload: " << next.payload.substr(next.payload.size() > 2 ? 2 : 0);
}

}  // namespace
