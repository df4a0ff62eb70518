// Load and fault tests of ws-server over loopback: many clients echoing,
// slow-loris handshakes, clients that vanish at every stage, clients that
// send but never read, and clients that break each protocol rule. Each test prints its figures, including the
// server's open descriptors and VmRSS before and after, and checks that
// descriptors return exactly to where they were and memory to within a fixed
// slack (kRssSlackKib: the allocator keeps freed chunks for reuse, so RSS is
// not expected to fall back to the idle figure to the page).
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "../integration/harness.h"
#include "child.h"
#include "dripper.h"
#include "echo_driver.h"
#include "load_support.h"

namespace {

using load::figures;
using load::kRssSlackKib;

// Closes with a TCP reset instead of a FIN: the rudest way to vanish.
void reset_close(UniqueFd& fd) {
    linger hard{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    fd.reset();
}

std::string peak_text(const load::Usage& peak) {
    return "server peak " + std::to_string(peak.fds) + " fds, VmRSS " + std::to_string(peak.rss_kib) + " KiB";
}

class WsLoad : public ::testing::Test {
protected:
    void SetUp() override { load::raise_fd_limit(); }
    std::string log(const std::string& name) { return dir_.file(name); }
    std::string registry() { return dir_.file("servers.json"); }
    // The idle figures, after one client has come and gone (first-use
    // allocations such as the shared read buffer are not growth).
    load::Usage warm_baseline(const load::WsServer& server) {
        load::Usage idle = load::usage(server.child.pid());
        load::EchoPlan warm{server.port, 1, 10};
        EXPECT_TRUE(load::run_echo(warm).ok());
        return load::wait_fds_at_most(server.child.pid(), idle.fds, 5'000);
    }
    void expect_no_growth(const std::string& test, pid_t pid, const load::Usage& before) {
        load::Usage after = load::wait_fds_at_most(pid, before.fds, 10'000);
        figures(test, "server " + load::describe(before, after));
        EXPECT_EQ(after.fds, before.fds) << "descriptors leaked";
        if (!load::sanitized()) {
            EXPECT_LE(after.rss_kib, before.rss_kib + kRssSlackKib) << "memory grew beyond the slack";
        }
    }

    harness::TempDir dir_;
};

TEST_F(WsLoad, ThousandClientsEchoThousandMessagesEach) {
    load::WsServer server = load::start_ws_server(log("echo"), registry());
    ASSERT_NE(server.port, 0) << server.child.err();
    load::Usage before = warm_baseline(server);

    load::EchoPlan plan{server.port, 1000, 1000};
    plan.in_flight = 4;
    plan.min_size = 1;
    plan.max_size = 300;
    load::PeakSampler sampler(server.child.pid());
    load::EchoReport report = load::run_echo(plan);
    load::Usage peak = sampler.peak();
    figures("echo 1000x1000", report.summary());
    figures("echo 1000x1000", "server peak: " + std::to_string(peak.fds) + " fds, VmRSS " +
                                  std::to_string(peak.rss_kib) + " KiB");
    EXPECT_TRUE(report.ok()) << report.first_error;
    EXPECT_EQ(report.peak_open, 1000u);
    EXPECT_EQ(report.messages, 1000u * 1000u);
    EXPECT_EQ(report.closed_cleanly, 1000u);
    expect_no_growth("echo 1000x1000", server.child.pid(), before);
}

// 200 connections send the upgrade request one byte every 100 ms, so none can
// finish before the 3 s handshake timeout; meanwhile 100 normal clients echo.
TEST_F(WsLoad, SlowLorisNeverCompletesWhileNormalClientsAreServed) {
    constexpr int kLoris = 200;
    constexpr int kTimeoutMs = 3000;
    load::WsServer server = load::start_ws_server(log("loris"), registry(), {"--handshake-timeout", "3s"});
    ASSERT_NE(server.port, 0) << server.child.err();
    load::Usage before = warm_baseline(server);

    const std::string request = harness::upgrade_request(server.port);
    load::Dripper loris(server.port, kLoris, request, 100, kTimeoutMs + 5000);
    ASSERT_EQ(loris.connected(), static_cast<size_t>(kLoris));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every loris has dripped a few bytes
    load::PeakSampler sampler(server.child.pid());
    load::EchoPlan plan{server.port, 100, 100};
    load::EchoReport report = load::run_echo(plan);
    const int loris_open_meanwhile = loris.open();
    load::Dripper::Result dripped = loris.finish(408);
    load::Usage peak = sampler.peak();

    figures("slow loris", "normal clients: " + report.summary());
    figures("slow loris", std::to_string(kLoris) + " loris, " + std::to_string(loris_open_meanwhile) +
                              " still open when the normal clients were done; each sent at most " +
                              std::to_string(dripped.most_sent) + " of " + std::to_string(request.size()) +
                              " bytes; closed by the server after " + std::to_string(dripped.shortest_ms) + ".." +
                              std::to_string(dripped.longest_ms) + " ms, " + std::to_string(dripped.answered) +
                              " with 408");
    figures("slow loris", peak_text(peak));
    EXPECT_TRUE(report.ok()) << report.first_error;
    EXPECT_EQ(report.messages, 100u * 100u);
    EXPECT_EQ(loris_open_meanwhile, kLoris);
    EXPECT_EQ(dripped.still_open, 0) << "a slow-loris connection outlived the handshake timeout";
    EXPECT_EQ(dripped.answered, kLoris);
    EXPECT_GE(dripped.shortest_ms, kTimeoutMs - 300);
    expect_no_growth("slow loris", server.child.pid(), before);
}

// Clients that disappear at each stage, half with FIN and half with a reset.
TEST_F(WsLoad, ClientsVanishingMidHandshakeMidFrameMidClose) {
    constexpr int kEach = 100;
    load::WsServer server = load::start_ws_server(log("vanish"), registry());
    ASSERT_NE(server.port, 0) << server.child.err();
    load::Usage before = warm_baseline(server);
    const std::string request = harness::upgrade_request(server.port);
    const std::string big(256 * 1024, 'x');
    struct Stage {
        const char* name;
        bool upgrade;       // complete the handshake first
        std::string bytes;  // then send these and vanish
    };
    const Stage stages[] = {
        {"mid-handshake", false, request.substr(0, request.size() / 2)},
        {"mid-frame header", true, harness::masked_frame(0x82, big).substr(0, 5)},
        {"mid-frame payload", true, harness::masked_frame(0x82, big).substr(0, 100'000)},
        {"mid-fragmented message", true, harness::masked_frame(0x01, "first half, ")},
        {"mid-close", true, harness::masked_frame(0x88, "\x03\xe8")},
        {"during a big echo", true, harness::masked_frame(0x82, big)},
    };
    load::PeakSampler sampler(server.child.pid());
    int64_t start = load::monotonic_ms();
    int vanished = 0;
    for (const Stage& stage : stages) {
        for (int i = 0; i < kEach; ++i) {
            UniqueFd fd = stage.upgrade ? harness::ws_connect(server.port) : harness::connect_to(server.port);
            ASSERT_TRUE(fd) << stage.name;
            ASSERT_TRUE(harness::send_all(fd.get(), stage.bytes)) << stage.name;
            if (i % 2) reset_close(fd);
            ++vanished;
        }
    }
    int64_t vanish_ms = load::monotonic_ms() - start;
    load::EchoPlan plan{server.port, 50, 100};
    load::EchoReport report = load::run_echo(plan);
    figures("vanishing clients", std::to_string(vanished) + " clients vanished (" + std::to_string(kEach) +
                                     " at each of 6 stages, half by reset) in " + std::to_string(vanish_ms) +
                                     " ms; then " + report.summary());
    figures("vanishing clients", peak_text(sampler.peak()));
    EXPECT_TRUE(report.ok()) << report.first_error;
    expect_no_growth("vanishing clients", server.child.pid(), before);
}

// Clients that send 64 KiB messages as fast as they can and never read the
// echoes: once a client's unsent echoes pass --max-output, the server stops
// reading it, so its memory stays bounded; other clients are still served.
TEST_F(WsLoad, ClientsThatNeverReadAreCappedByMaxOutput) {
    constexpr int kGreedy = 20;
    constexpr long kMaxOutputKib = 256, kMaxMessageKib = 64;
    load::WsServer server = load::start_ws_server(log("greedy"), registry(),
                                                  {"--max-output", "256KiB", "--max-message", "64KiB"});
    ASSERT_NE(server.port, 0) << server.child.err();
    load::Usage before = warm_baseline(server);
    const std::string frame = harness::masked_frame(0x82, std::string(kMaxMessageKib * 1024, 'g'));

    load::PeakSampler sampler(server.child.pid());
    std::vector<UniqueFd> greedy;
    std::vector<uint64_t> pushed(kGreedy, 0);
    for (int i = 0; i < kGreedy; ++i) {
        greedy.push_back(harness::ws_connect(server.port));
        ASSERT_TRUE(greedy.back());
    }
    // Push until no client's socket has taken a byte for a whole second.
    int64_t start = load::monotonic_ms();
    for (int64_t last_progress = start; load::monotonic_ms() - last_progress < 1000 && load::monotonic_ms() - start < 60'000;) {
        for (int i = 0; i < kGreedy; ++i) {
            ssize_t n = ::send(greedy[i].get(), frame.data() + pushed[i] % frame.size(),
                               frame.size() - pushed[i] % frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) {
                pushed[i] += static_cast<uint64_t>(n);
                last_progress = load::monotonic_ms();
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    load::Usage stalled = load::usage(server.child.pid());
    load::EchoPlan plan{server.port, 20, 200};
    load::EchoReport report = load::run_echo(plan);
    load::Usage peak = sampler.peak();

    uint64_t most = 0, total = 0;
    for (uint64_t p : pushed) most = std::max(most, p), total += p;
    // Per client: its output cap plus one message over it, one message of
    // unhandled input and the handshake's head; the rest sits in kernel buffers.
    const long cap_kib = kGreedy * (kMaxOutputKib + 2 * kMaxMessageKib + 16);
    figures("never-reading clients",
            std::to_string(kGreedy) + " clients pushed " + std::to_string(total >> 20) + " MiB (at most " +
                std::to_string(most >> 10) + " KiB each) before the server stopped reading them; server VmRSS " +
                std::to_string(before.rss_kib) + " -> " + std::to_string(stalled.rss_kib) + " KiB while stalled, peak " +
                std::to_string(peak.rss_kib) + " KiB; bound " + std::to_string(before.rss_kib) + " + " +
                std::to_string(cap_kib) + " + slack " + std::to_string(kRssSlackKib) + " KiB");
    figures("never-reading clients", "meanwhile " + report.summary());
    EXPECT_TRUE(report.ok()) << report.first_error;
    if (!load::sanitized()) {
        EXPECT_LE(peak.rss_kib, before.rss_kib + cap_kib + kRssSlackKib);
    }
    EXPECT_LT(load::monotonic_ms() - start, 60'000) << "the server never stopped reading";
    for (UniqueFd& fd : greedy) reset_close(fd);
    expect_no_growth("never-reading clients", server.child.pid(), before);
}

// Broken clients at once, each with its own fault: every one is closed with
// the right code (or, for random bytes, at least closed), and good clients
// are served meanwhile.
TEST_F(WsLoad, BrokenClientsAreClosedWithTheRightCodeOthersServed) {
    constexpr int kEach = 50;
    load::WsServer server = load::start_ws_server(log("broken"), registry(), {"--max-message", "64KiB"});
    ASSERT_NE(server.port, 0) << server.child.err();
    load::Usage before = warm_baseline(server);
    struct Fault {
        const char* name;
        std::string bytes;
        uint16_t code;  // 0: any close or hang-up will do
    };
    std::string noise(4096, '\0');
    uint64_t x = 88172645463325252ULL;
    for (char& c : noise) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        c = static_cast<char>(x);
    }
    const Fault faults[] = {
        {"invalid UTF-8 text", harness::masked_frame(0x81, "ok \xed\xa0\x80 surrogate"), 1007},
        {"text cut inside a character", harness::masked_frame(0x01, "\xe2\x82") + harness::masked_frame(0x80, "x"),
         1007},
        {"unmasked frame", std::string("\x82\x03" "abc", 5), 1002},
        {"reserved opcode", harness::masked_frame(0x83, "x"), 1002},
        {"continuation without a start", harness::masked_frame(0x80, "x"), 1002},
        {"fragmented ping", harness::masked_frame(0x09, "x"), 1002},
        {"message over --max-message", harness::masked_frame(0x82, std::string(65 * 1024, 'm')), 1009},
        {"fragments over --max-message",
         harness::masked_frame(0x02, std::string(40 * 1024, 'm')) + harness::masked_frame(0x80, std::string(40 * 1024, 'm')),
         1009},
        {"bad close code", harness::masked_frame(0x88, "\x03\xed"), 1002},
        {"random bytes", noise, 0},
    };
    int right = 0, total = 0;
    int64_t start = load::monotonic_ms();
    std::vector<UniqueFd> clients;
    for (const Fault& fault : faults) {
        clients.clear();
        for (int i = 0; i < kEach; ++i) {
            clients.push_back(harness::ws_connect(server.port));
            ASSERT_TRUE(clients.back()) << fault.name;
            harness::send_all(clients.back().get(), fault.bytes);
            if (fault.code == 0) ::shutdown(clients.back().get(), SHUT_WR);  // random bytes may await more
        }
        for (UniqueFd& fd : clients) {
            uint16_t code = harness::read_close_code(fd.get());
            bool ok = fault.code ? code == fault.code : harness::wait_closed(fd.get(), harness::kWaitMs) || code != 0;
            EXPECT_TRUE(ok) << fault.name << ": close code " << code;
            right += ok;
            ++total;
        }
    }
    clients.clear();
    int64_t broken_ms = load::monotonic_ms() - start;
    load::EchoReport report = load::run_echo(load::EchoPlan{server.port, 50, 100});
    figures("broken clients", std::to_string(total) + " broken clients (" + std::to_string(kEach) + " each of " +
                                  std::to_string(std::size(faults)) + " faults), " + std::to_string(right) +
                                  " closed as expected, in " + std::to_string(broken_ms) + " ms; then " +
                                  report.summary());
    EXPECT_TRUE(report.ok()) << report.first_error;
    expect_no_growth("broken clients", server.child.pid(), before);
}

}  // namespace
