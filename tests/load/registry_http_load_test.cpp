// Load and fault tests of registry-http: 200 keep-alive clients while
// ws-servers come and go, and slow and vanishing clients beside good ones.
#include <signal.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "../integration/harness.h"
#include "child.h"
#include "dripper.h"
#include "load_support.h"

namespace {

using load::entries_of;
using load::figures;
using load::HttpClient;
using load::kRssSlackKib;
using load::RegistryLoad;
using load::Triple;

// 200 keep-alive connections ask for /api/registry over and over while 5
// ws-servers run and 80 more start and stop in waves (half with kill -9)
// beside them: every answer is a 200 whose body is a JSON array of
// well-formed entries.
TEST_F(RegistryLoad, RegistryHttpUnderKeepAliveLoadWhileServersChurn) {
    constexpr int kConnections = 200, kMinRequestsEach = 200, kWaves = 20;
    uint16_t http_port;
    load::Child http = start_registry_http(&http_port);
    ASSERT_NE(http_port, 0) << http.err();
    load::Usage http_before = load::usage(http.pid());
    load::PeakSampler sampler(http.pid());

    std::vector<load::WsServer> steady;
    for (int i = 0; i < 5; ++i) {
        steady.push_back(load::start_ws_server(dir_.file("steady-" + std::to_string(i)), registry()));
        ASSERT_NE(steady.back().port, 0) << steady.back().child.err();
    }
    std::atomic<bool> churn_done{false};
    std::atomic<int> started{0}, stopped{0}, killed{0};
    std::thread churn([&] {
        // Waves of 4 servers: start them, then stop two with SIGTERM, two with kill -9.
        for (int wave = 0; wave < kWaves; ++wave) {
            std::vector<load::WsServer> wave_servers;
            for (int i = 0; i < 4; ++i) {
                wave_servers.push_back(load::start_ws_server(
                    dir_.file("churn-" + std::to_string(wave) + "-" + std::to_string(i)), registry()));
                started += wave_servers.back().port != 0;
            }
            for (int i = 0; i < 4; ++i) {
                wave_servers[i].child.signal(i % 2 ? SIGKILL : SIGTERM);
                std::optional<int> code = wave_servers[i].child.wait_exit(10'000);
                (i % 2 ? killed : stopped) += code.has_value();
            }
        }
        churn_done = true;
    });

    std::atomic<int> ok{0}, bad{0}, broken{0}, sent{0};
    std::atomic<size_t> most_entries{0};
    std::string first_bad;
    std::mutex first_bad_mutex;
    int64_t start = load::monotonic_ms();
    std::vector<std::thread> clients;
    for (int c = 0; c < kConnections; ++c) {
        clients.emplace_back([&] {
            HttpClient client(http_port);
            const int64_t give_up = load::monotonic_ms() + 60'000;
            for (int r = 0; (r < kMinRequestsEach || !churn_done) && load::monotonic_ms() < give_up; ++r) {
                ++sent;
                int status = 0;
                std::string body;
                if (!client.connected() || !client.get("/api/registry", &status, &body)) {
                    ++broken;
                    return;
                }
                std::set<Triple> entries;
                if (status == 200 && entries_of(body, &entries)) {
                    ++ok;
                    size_t seen = most_entries;
                    while (entries.size() > seen && !most_entries.compare_exchange_weak(seen, entries.size())) {}
                } else {
                    ++bad;
                    std::lock_guard<std::mutex> lock(first_bad_mutex);
                    if (first_bad.empty()) first_bad = std::to_string(status) + " " + body;
                }
            }
        });
    }
    for (std::thread& t : clients) t.join();
    int64_t elapsed = load::monotonic_ms() - start;
    churn.join();
    steady.clear();
    load::Usage peak = sampler.peak();
    load::Usage http_after = load::wait_fds_at_most(http.pid(), http_before.fds, 10'000);

    figures("registry-http keep-alive", std::to_string(kConnections) + " keep-alive connections, " +
                                            std::to_string(sent) + " requests: " + std::to_string(ok) +
                                            " valid JSON arrays, " + std::to_string(bad) + " bad, " +
                                            std::to_string(broken) + " broken connections, in " +
                                            std::to_string(elapsed) + " ms (" +
                                            std::to_string(elapsed ? ok * 1000 / elapsed : 0) +
                                            " req/s); up to " + std::to_string(most_entries) + " entries");
    figures("registry-http keep-alive", "meanwhile 5 steady and " + std::to_string(started) + " ws-servers started, " +
                                            std::to_string(stopped) + " stopped with SIGTERM, " +
                                            std::to_string(killed) + " with kill -9");
    figures("registry-http keep-alive", "registry-http peak " + std::to_string(peak.fds) + " fds, VmRSS " +
                                            std::to_string(peak.rss_kib) + " KiB; " +
                                            load::describe(http_before, http_after));
    EXPECT_EQ(ok, sent) << first_bad;
    EXPECT_GE(ok, kConnections * kMinRequestsEach);
    EXPECT_EQ(bad, 0) << first_bad;
    EXPECT_EQ(broken, 0);
    EXPECT_EQ(started, 4 * kWaves);
    EXPECT_EQ(stopped + killed, 4 * kWaves);
    EXPECT_EQ(http_after.fds, http_before.fds);
    if (!load::sanitized()) {
        EXPECT_LE(http_after.rss_kib, http_before.rss_kib + kRssSlackKib);
    }
}

// registry-http against slow and vanishing clients: 200 connections drip a
// request head one byte every 100 ms past the 2 s request timeout, 300 more
// vanish mid-request (half by reset); 100 keep-alive clients are served
// meanwhile, every slow one gets 408, and descriptors come back.
TEST_F(RegistryLoad, RegistryHttpSlowAndVanishingClients) {
    constexpr int kSlow = 200, kTimeoutMs = 2000;
    uint16_t http_port;
    // No health probes: their connections come and go, and this test counts descriptors.
    load::Child http = start_registry_http(&http_port, {"--request-timeout", "2s", "--no-probes"});
    ASSERT_NE(http_port, 0) << http.err();
    load::WsServer listed = load::start_ws_server(dir_.file("listed"), registry());
    ASSERT_NE(listed.port, 0) << listed.child.err();
    // Counted once registry-http serves the entry (so its exit watch is open)
    // and has closed the connection that asked: its count then, less one.
    int with_asker = 0;
    for (int i = 0; i < 500 && with_asker == 0; ++i) {
        HttpClient client(http_port);
        int status = 0;
        std::string body;
        std::set<Triple> entries;
        if (client.get("/api/registry", &status, &body) && status == 200 && entries_of(body, &entries) &&
            entries.size() == 1)
            with_asker = load::usage(http.pid()).fds;
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(with_asker, 0) << http.err();
    load::Usage before = load::wait_fds_at_most(http.pid(), with_asker - 1, 10'000);
    ASSERT_EQ(before.fds, with_asker - 1);
    load::PeakSampler sampler(http.pid());

    const std::string head = "GET /api/registry HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(http_port) +
                             "\r\nUser-Agent: slow-loris/1.0\r\nAccept: application/json\r\n\r\n";
    load::Dripper slow(http_port, kSlow, head, 100, kTimeoutMs + 5000);
    ASSERT_EQ(slow.connected(), static_cast<size_t>(kSlow));

    int vanished = 0;
    const std::string cuts[] = {head.substr(0, 10), head.substr(0, head.size() - 3), "GET /api/reg"};
    for (int i = 0; i < 300; ++i) {
        UniqueFd fd = harness::connect_to(http_port);
        ASSERT_TRUE(fd);
        harness::send_all(fd.get(), cuts[i % 3]);
        if (i % 2) {
            linger hard{1, 0};
            ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        }
        ++vanished;
    }

    std::atomic<int> ok{0}, failed{0};
    int64_t start = load::monotonic_ms();
    std::vector<std::thread> clients;
    for (int c = 0; c < 100; ++c) {
        clients.emplace_back([&] {
            HttpClient client(http_port);
            for (int r = 0; r < 50; ++r) {
                int status = 0;
                std::string body;
                std::set<Triple> entries;
                bool good = client.get("/api/registry", &status, &body) && status == 200 &&
                            entries_of(body, &entries) && entries.size() == 1;
                (good ? ok : failed) += 1;
                if (!good) return;
            }
        });
    }
    for (std::thread& t : clients) t.join();
    int64_t served_ms = load::monotonic_ms() - start;
    const int slow_open_meanwhile = slow.open();
    load::Dripper::Result dripped = slow.finish(408);
    load::Usage peak = sampler.peak();
    load::Usage after = load::wait_fds_at_most(http.pid(), before.fds, 10'000);

    figures("registry-http slow clients",
            std::to_string(ok) + " requests of 100 keep-alive clients served in " + std::to_string(served_ms) +
                " ms (" + std::to_string(failed) + " failed) while " + std::to_string(slow_open_meanwhile) + " of " +
                std::to_string(kSlow) + " slow clients were still dripping and " + std::to_string(vanished) +
                " had vanished mid-request");
    figures("registry-http slow clients",
            "slow clients sent at most " + std::to_string(dripped.most_sent) + " of " + std::to_string(head.size()) +
                " bytes, closed after " + std::to_string(dripped.shortest_ms) + ".." +
                std::to_string(dripped.longest_ms) + " ms, " + std::to_string(dripped.answered) + " with 408");
    figures("registry-http slow clients", "registry-http peak " + std::to_string(peak.fds) + " fds, VmRSS " +
                                              std::to_string(peak.rss_kib) + " KiB; " +
                                              load::describe(before, after));
    EXPECT_EQ(ok, 100 * 50);
    EXPECT_EQ(failed, 0);
    EXPECT_EQ(slow_open_meanwhile, kSlow);
    EXPECT_EQ(dripped.still_open, 0);
    EXPECT_EQ(dripped.answered, kSlow);
    EXPECT_GE(dripped.shortest_ms, kTimeoutMs - 300);
    EXPECT_EQ(after.fds, before.fds);
    if (!load::sanitized()) {
        EXPECT_LE(after.rss_kib, before.rss_kib + kRssSlackKib);
    }
}

}  // namespace
