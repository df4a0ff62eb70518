// Load and fault tests of the registry: SIGTERM with 500 clients connected,
// and 200 ws-servers started and stopped at once (a quarter with kill -9).
// Each prints its figures; the test process's own descriptors are checked to
// be back where they were, so nothing is left behind.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "../integration/harness.h"
#include "child.h"
#include "json/reader.h"
#include "json/writer.h"
#include "load_support.h"

namespace {

using load::entries_of;
using load::figures;
using load::HttpClient;
using load::kRssSlackKib;
using load::RegistryLoad;
using load::Triple;

// SIGTERM with 500 clients connected: every client gets close 1001, the
// server exits 0, and the registry loses exactly its entry: the neighbours'
// entries, an unknown field in one of them and an unknown top-level member
// are all still there, unchanged.
TEST_F(RegistryLoad, SigtermWithFiveHundredClients) {
    constexpr int kClients = 500;
    load::WsServer first = load::start_ws_server(dir_.file("first"), registry());
    load::WsServer second = load::start_ws_server(dir_.file("second"), registry());
    ASSERT_NE(first.port, 0) << first.child.err();
    ASSERT_NE(second.port, 0) << second.child.err();
    // What a newer version might have written: fields this one does not know.
    Result<json::Value> doc = json::parse(harness::read_file(registry()));
    ASSERT_TRUE(doc.ok());
    doc.value().set("note", json::Value::string("kept by every writer"));
    doc.value().as_object()[0].second.as_array()[0].set("extra", json::Value::array({json::Value::number(7)}));
    harness::write_file(registry() + ".tmp", json::to_string(doc.value()));
    ASSERT_EQ(::rename((registry() + ".tmp").c_str(), registry().c_str()), 0);
    load::Usage neighbours_before = load::usage(first.child.pid());

    load::WsServer target = load::start_ws_server(dir_.file("target"), registry());
    ASSERT_NE(target.port, 0) << target.child.err();
    Result<json::Value> with_target = json::parse(harness::read_file(registry()));
    ASSERT_TRUE(with_target.ok());
    json::Value expected = with_target.value();
    json::Value::Array& servers = expected.as_object()[0].second.as_array();
    ASSERT_EQ(servers.size(), 3u);
    ASSERT_EQ(servers[2].find("id")->as_string(), target.id);
    servers.pop_back();

    std::vector<UniqueFd> clients;
    int64_t start = load::monotonic_ms();
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(harness::ws_connect(target.port));
        ASSERT_TRUE(clients.back()) << "client " << i;
    }
    int64_t connect_ms = load::monotonic_ms() - start;
    load::Usage loaded = load::usage(target.child.pid());

    start = load::monotonic_ms();
    target.child.signal(SIGTERM);
    int got_1001 = 0, closed_after = 0;
    for (UniqueFd& fd : clients) {
        got_1001 += harness::read_close_code(fd.get()) == 1001;
        // Answer the close, as a browser would, then the server hangs up.
        harness::send_all(fd.get(), harness::masked_frame(0x88, "\x03\xe9"));
        closed_after += harness::wait_closed(fd.get(), 5'000);
        fd.reset();
    }
    std::optional<int> exit_code = target.child.wait_exit(10'000);
    int64_t stop_ms = load::monotonic_ms() - start;
    clients.clear();

    Result<json::Value> after = json::parse(harness::read_file(registry()));
    ASSERT_TRUE(after.ok());
    load::Usage neighbours_after = load::usage(first.child.pid());
    figures("SIGTERM with 500 clients",
            std::to_string(kClients) + " clients connected in " + std::to_string(connect_ms) + " ms (server: " +
                std::to_string(loaded.fds) + " fds, VmRSS " + std::to_string(loaded.rss_kib) + " KiB); after SIGTERM " +
                std::to_string(got_1001) + " got close 1001, " + std::to_string(closed_after) +
                " saw the server hang up, exit " + std::to_string(exit_code.value_or(-1)) + " after " +
                std::to_string(stop_ms) + " ms; registry entries 3 -> " +
                std::to_string(after.value().find("servers")->as_array().size()));
    figures("SIGTERM with 500 clients", "neighbour server " + load::describe(neighbours_before, neighbours_after));
    EXPECT_EQ(got_1001, kClients);
    EXPECT_EQ(closed_after, kClients);
    EXPECT_EQ(exit_code, 0) << target.child.err();
    EXPECT_EQ(after.value(), expected) << harness::read_file(registry());
    EXPECT_EQ(harness::read_file(registry()), json::to_string(expected));
    EXPECT_EQ(neighbours_after.fds, neighbours_before.fds);
}

// 200 ws-servers start at once; in a random order 100 get SIGTERM and 50
// kill -9 (each once it is registered, while others are still starting),
// 50 keep running. Then registry-http must list exactly the 50 live ones.
TEST_F(RegistryLoad, TwoHundredServersStartAndStopInRandomOrder) {
    constexpr size_t kServers = 200, kTerm = 100, kKill = 50;
    uint16_t http_port;
    load::Child http = start_registry_http(&http_port);
    ASSERT_NE(http_port, 0) << http.err();
    load::Usage http_before = load::usage(http.pid());
    const char* seed_text = std::getenv("LOAD_SEED");
    const unsigned seed = seed_text ? static_cast<unsigned>(std::atoi(seed_text)) : std::random_device{}();

    int64_t start = load::monotonic_ms();
    std::vector<load::Child> servers;
    servers.reserve(kServers);
    for (size_t i = 0; i < kServers; ++i)
        servers.emplace_back(load::bin("ws-server"), std::vector<std::string>{"--registry", registry(), "--port", "0"},
                             dir_.file("ws-" + std::to_string(i)));
    std::vector<size_t> order(kServers);
    for (size_t i = 0; i < kServers; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    std::vector<std::string> ids(kServers);
    std::vector<uint16_t> ports(kServers, 0);
    auto registered = [&](size_t i) {
        if (ports[i] == 0)
            if (auto line = servers[i].wait_for_line("WebSocket server listening on port", 30'000))
                load::parse_listening_line(*line, &ids[i], &ports[i]);
        return ports[i] != 0;
    };
    for (size_t k = 0; k < kTerm + kKill; ++k) {
        size_t i = order[k];
        ASSERT_TRUE(registered(i)) << "server " << i << ": " << servers[i].err();
        servers[i].signal(k < kTerm ? SIGTERM : SIGKILL);
    }
    std::set<Triple> live;
    for (size_t k = kTerm + kKill; k < kServers; ++k) {
        size_t i = order[k];
        ASSERT_TRUE(registered(i)) << "server " << i << ": " << servers[i].err();
        live.insert({ids[i], ports[i], servers[i].pid()});
    }
    int clean_exits = 0;
    for (size_t k = 0; k < kTerm + kKill; ++k) {
        std::optional<int> code = servers[order[k]].wait_exit(20'000);
        clean_exits += k < kTerm && code == 0;
        if (k >= kTerm) {
            EXPECT_EQ(code, 128 + SIGKILL);
        }
    }
    int64_t churn_ms = load::monotonic_ms() - start;

    // registry-http learns of the exits and the file's changes by events of
    // its own, which may come a moment after ours: asked until it serves the
    // live set (bounded), then compared.
    int status = 0;
    std::string body;
    std::set<Triple> served;
    for (int attempt = 0; attempt < 500; ++attempt) {
        served.clear();
        ASSERT_TRUE(HttpClient(http_port).get("/api/registry", &status, &body));
        ASSERT_EQ(status, 200);
        ASSERT_TRUE(entries_of(body, &served)) << body;
        if (served == live) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::set<Triple> in_file;
    Result<json::Value> file = json::parse(harness::read_file(registry()));
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(entries_of(json::to_string(*file.value().find("servers")), &in_file));
    size_t stale = 0;
    for (size_t k = kTerm; k < kTerm + kKill; ++k) stale += in_file.count({ids[order[k]], ports[order[k]],
                                                                          servers[order[k]].pid()});
    figures("200 servers", "seed " + std::to_string(seed) + ": 200 started, " + std::to_string(kTerm) +
                               " SIGTERM (" + std::to_string(clean_exits) + " exit 0), " + std::to_string(kKill) +
                               " kill -9, in " + std::to_string(churn_ms) + " ms; file holds " +
                               std::to_string(in_file.size()) + " entries (" + std::to_string(stale) +
                               " stale from kill -9), registry-http serves " + std::to_string(served.size()) +
                               ", live " + std::to_string(live.size()));
    EXPECT_EQ(clean_exits, static_cast<int>(kTerm));
    EXPECT_EQ(served, live);
    EXPECT_EQ(in_file.size(), live.size() + stale) << "an entry of a SIGTERM'd server stayed in the file";
    servers.clear();
    load::Usage http_after = load::wait_fds_at_most(http.pid(), http_before.fds, 5'000);
    figures("200 servers", "registry-http " + load::describe(http_before, http_after));
    if (!load::sanitized()) {
        EXPECT_LE(http_after.rss_kib, http_before.rss_kib + kRssSlackKib);
    }
}

}  // namespace
