// The live registry end to end: registry-http's watch socket and ETag with
// real ws-servers starting, stopping and being killed. Every wait is for a
// message or a line; the messages are compared byte for byte.
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"
#include "json/reader.h"
#include "json/writer.h"

using namespace harness;

namespace {

std::string watch_request(uint16_t port, std::string_view target, std::string_view extra = {}) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           std::string(extra) + "\r\n";
}

// Connected and upgraded (101), or an empty fd. `rcvbuf` > 0 shrinks the
// socket's receive buffer first (a watcher that does not read fills sooner).
UniqueFd watch(uint16_t port, std::string_view target = "/api/registry/watch", int rcvbuf = 0) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
    if (rcvbuf > 0) ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return UniqueFd();
    if (!send_all(fd.get(), watch_request(port, target))) return UniqueFd();
    std::string head;  // byte by byte: the first message may follow the head at once
    while (head.find("\r\n\r\n") == std::string::npos) {
        std::string byte = recv_exact(fd.get(), 1);
        if (byte.empty()) return UniqueFd();
        head += byte;
    }
    if (http_status(head) != 101) return UniqueFd();
    return fd;
}

// The next text message, "" on anything else.
std::string next_message(int fd) {
    Frame frame = read_frame(fd);
    if (!frame.ok || frame.opcode != 1 || !frame.fin) return "";
    return frame.payload;
}

uint64_t epoch_of(const std::string& message) {
    auto doc = json::parse(message);
    if (!doc.ok() || !doc.value().find("epoch")) return 0;
    return static_cast<uint64_t>(doc.value().find("epoch")->as_int().value_or(0));
}

// The entry with `id` as the registry file holds it, compact.
std::string file_entry(const std::string& registry, const std::string& id) {
    auto doc = json::parse(read_file(registry));
    if (!doc.ok()) return "";
    for (const json::Value& entry : doc.value().find("servers")->as_array())
        if (entry.find("id")->as_string() == id) return json::to_string(entry, 0);
    return "";
}

std::string head_of(uint64_t epoch, std::string_view type, uint64_t gen) {
    return "{\"type\":\"" + std::string(type) + "\",\"epoch\":" + std::to_string(epoch) +
           ",\"gen\":" + std::to_string(gen);
}
std::string diff(uint64_t epoch, uint64_t gen, const std::string& upsert, const std::string& remove) {
    return head_of(epoch, "diff", gen) + ",\"base\":" + std::to_string(gen - 1) + ",\"upsert\":[" + upsert +
           "],\"remove\":[" + remove + "]}";
}

// A request on a fresh connection with Connection: close; everything until
// the server closes (a 304 has a Content-Length but no body).
std::string request(uint16_t port, std::string_view target, std::string_view extra = {}) {
    UniqueFd fd = connect_to(port);
    std::string text = "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost:" + std::to_string(port) +
                       "\r\nConnection: close\r\n" + std::string(extra) + "\r\n";
    if (!send_all(fd.get(), text)) return {};
    return read_until_closed(fd.get()).bytes;
}

class RegistryWatchTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::mkdir(web_dir().c_str(), 0755);
        write_file(web_dir() + "/index.html", "<!doctype html><title>peer-plan</title>\n");
    }
    // Without `probes`, entries are served as the file holds them (no status).
    void start(std::vector<std::string> extra = {"--watch-heartbeat", "3600s"}, bool probes = false) {
        if (!probes) extra.push_back("--no-probes");
        http_ = std::make_unique<HttpServer>(start_registry_http(registry(), web_dir(), std::move(extra)));
        ASSERT_NE(http_->port, 0) << http_->process.stderr_text();
    }
    std::string registry() const { return dir_.file("servers.json"); }
    std::string web_dir() const { return dir_.file("web"); }
    uint16_t port() const { return http_->port; }

    TempDir dir_;
    std::unique_ptr<HttpServer> http_;
};

TEST_F(RegistryWatchTest, SnapshotThenADiffForEveryStartStopAndKill) {
    start();
    UniqueFd watcher = watch(port());
    ASSERT_TRUE(watcher);
    const std::string snapshot = next_message(watcher.get());
    const uint64_t epoch = epoch_of(snapshot);
    ASSERT_NE(epoch, 0u) << snapshot;
    EXPECT_EQ(snapshot, head_of(epoch, "snapshot", 0) + ",\"heartbeatMs\":3600000,\"servers\":[]}");

    WsServer a = start_ws_server(registry());
    ASSERT_NE(a.port, 0);
    EXPECT_EQ(next_message(watcher.get()), diff(epoch, 1, file_entry(registry(), a.id), ""));
    WsServer b = start_ws_server(registry());
    ASSERT_NE(b.port, 0);
    const std::string b_entry = file_entry(registry(), b.id);
    EXPECT_EQ(next_message(watcher.get()), diff(epoch, 2, b_entry, ""));

    a.process.signal(SIGTERM);  // unregisters, then exits: one change
    const std::string a_gone = next_message(watcher.get());
    EXPECT_EQ(a_gone, diff(epoch, 3, "", "\"" + a.id + "\""));
    ASSERT_EQ(a.process.wait_exit(), 0);

    b.process.signal(SIGKILL);  // never unregisters: its exit alone tells
    const std::string b_gone = next_message(watcher.get());
    EXPECT_EQ(b_gone, diff(epoch, 4, "", "\"" + b.id + "\""));
    EXPECT_EQ(file_entry(registry(), b.id), b_entry) << "the file still holds the killed server";
    b.process.wait_exit();

    // Reconnecting with the gen last seen: exactly the diffs missed.
    watcher.reset();
    UniqueFd resumed = watch(port(), "/api/registry/watch?epoch=" + std::to_string(epoch) + "&gen=2");
    ASSERT_TRUE(resumed);
    EXPECT_EQ(next_message(resumed.get()), a_gone);
    EXPECT_EQ(next_message(resumed.get()), b_gone);

    // Another run's epoch: a snapshot.
    UniqueFd stranger = watch(port(), "/api/registry/watch?epoch=" + std::to_string(epoch + 1) + "&gen=2");
    ASSERT_TRUE(stranger);
    EXPECT_EQ(next_message(stranger.get()), head_of(epoch, "snapshot", 4) + ",\"heartbeatMs\":3600000,\"servers\":[]}");

    // Up to date: nothing until the next change, which is gen 5 for everyone.
    UniqueFd current = watch(port(), "/api/registry/watch?epoch=" + std::to_string(epoch) + "&gen=4");
    ASSERT_TRUE(current);
    WsServer c = start_ws_server(registry());
    ASSERT_NE(c.port, 0);
    const std::string c_diff = diff(epoch, 5, file_entry(registry(), c.id), "");
    EXPECT_EQ(next_message(current.get()), c_diff);
    EXPECT_EQ(next_message(resumed.get()), c_diff);
    EXPECT_EQ(next_message(stranger.get()), c_diff);
}

TEST_F(RegistryWatchTest, EtagIs304WhileUnchangedAnd200WithANewOneAfter) {
    start();
    std::string first = request(port(), "/api/registry");
    ASSERT_EQ(http_status(first), 200) << first;
    const std::string etag = http_header(first, "ETag").value_or("");
    ASSERT_EQ(etag.substr(etag.size() - 3), ".0\"") << first;

    std::string same = request(port(), "/api/registry", "If-None-Match: " + etag + "\r\n");
    EXPECT_EQ(http_status(same), 304) << same;
    EXPECT_EQ(http_header(same, "ETag"), etag);
    EXPECT_EQ(http_header(same, "Cache-Control"), "no-store");
    EXPECT_EQ(same.substr(same.find("\r\n\r\n") + 4), "") << "a 304 has no body";
    EXPECT_EQ(http_status(request(port(), "/api/registry", "If-None-Match: W/" + etag + ", \"x\"\r\n")), 304);

    UniqueFd watcher = watch(port());
    ASSERT_TRUE(watcher);
    next_message(watcher.get());
    WsServer a = start_ws_server(registry());
    ASSERT_NE(a.port, 0);
    ASSERT_NE(next_message(watcher.get()), "");  // the change is in
    std::string changed = request(port(), "/api/registry", "If-None-Match: " + etag + "\r\n");
    EXPECT_EQ(http_status(changed), 200) << changed;
    const std::string new_etag = etag.substr(0, etag.size() - 3) + ".1\"";
    EXPECT_EQ(http_header(changed, "ETag"), new_etag);
    auto served = json::parse(http_body(changed));
    ASSERT_TRUE(served.ok()) << changed;
    ASSERT_EQ(served.value().as_array().size(), 1u) << changed;
    EXPECT_EQ(json::to_string(served.value().as_array()[0], 0), file_entry(registry(), a.id));
}

TEST_F(RegistryWatchTest, CorsExposesTheEtagAndAllowsIfNoneMatch) {
    start();
    std::string answer = request(port(), "/api/registry", "Origin: http://localhost:5173\r\n");
    EXPECT_EQ(http_header(answer, "Access-Control-Allow-Origin"), "http://localhost:5173");
    EXPECT_EQ(http_header(answer, "Access-Control-Expose-Headers"), "ETag");
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "OPTIONS /api/registry HTTP/1.1\r\nHost: localhost\r\n"
                                   "Origin: http://localhost:5173\r\nAccess-Control-Request-Method: GET\r\n"
                                   "Access-Control-Request-Headers: if-none-match\r\n\r\n"));
    std::string preflight = recv_http_response(fd.get());
    EXPECT_EQ(http_header(preflight, "Access-Control-Allow-Headers"), "if-none-match") << preflight;
}

TEST_F(RegistryWatchTest, ForeignHostOriginAndBadUpgradesAreRefusedAsByWsServer) {
    start();
    auto refused = [&](const std::string& text) {
        UniqueFd fd = connect_to(port());
        EXPECT_TRUE(send_all(fd.get(), text));
        return read_until_closed(fd.get()).bytes;
    };
    std::string evil_host = "GET /api/registry/watch HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n\r\n";
    std::string answer = refused(evil_host);
    EXPECT_EQ(http_status(answer), 403) << answer;
    EXPECT_EQ(http_body(answer), "403 Forbidden: Host 'evil.example' is not a loopback name\n");

    answer = refused(watch_request(port(), "/api/registry/watch", "Origin: https://evil.example\r\n"));
    EXPECT_EQ(http_status(answer), 403) << answer;
    EXPECT_EQ(http_body(answer), "403 Forbidden: Origin 'https://evil.example' is not allowed\n");

    answer = refused(watch_request(port(), "/api/registry/watch", "Origin: http://127.0.0.1:" +
                                                                       std::to_string(port()) + "\r\n"));
    EXPECT_EQ(http_status(answer), 101) << "the page's own origin";

    answer = refused("GET /api/registry/watch HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(http_status(answer), 400) << answer;
    EXPECT_EQ(http_body(answer), "400 Bad Request: missing 'Upgrade: websocket'\n");

    std::string old_version = watch_request(port(), "/api/registry/watch");
    old_version.replace(old_version.find("Version: 13"), 11, "Version: 8");
    answer = refused(old_version);
    EXPECT_EQ(http_status(answer), 426) << answer;
    EXPECT_EQ(http_header(answer, "Sec-WebSocket-Version"), "13");
}

TEST_F(RegistryWatchTest, HeartbeatsCarryTheGen) {
    start({"--watch-heartbeat", "50ms"});
    UniqueFd watcher = watch(port());
    ASSERT_TRUE(watcher);
    const uint64_t epoch = epoch_of(next_message(watcher.get()));
    EXPECT_EQ(next_message(watcher.get()), head_of(epoch, "heartbeat", 0) + "}");
}

TEST_F(RegistryWatchTest, TheSnapshotSaysTheHeartbeatPeriod) {
    start({"--watch-heartbeat", "60s"});
    UniqueFd watcher = watch(port());
    ASSERT_TRUE(watcher);
    const std::string snapshot = next_message(watcher.get());
    EXPECT_EQ(snapshot, head_of(epoch_of(snapshot), "snapshot", 0) + ",\"heartbeatMs\":60000,\"servers\":[]}");
}

TEST_F(RegistryWatchTest, PingPongAndCloseEchoed) {
    start();
    UniqueFd watcher = watch(port());
    ASSERT_TRUE(watcher);
    next_message(watcher.get());
    ASSERT_TRUE(send_all(watcher.get(), masked_frame(0x89, "are you there")));
    Frame pong = read_frame(watcher.get());
    EXPECT_EQ(pong.opcode, 0xa);
    EXPECT_EQ(pong.payload, "are you there");
    ASSERT_TRUE(send_all(watcher.get(), masked_frame(0x88, std::string("\x03\xe8", 2))));
    EXPECT_EQ(read_close_code(watcher.get()), 1000);
    EXPECT_TRUE(wait_closed(watcher.get()));
}

// A watcher that never reads is dropped once it leaves more than
// --max-watch-backlog unread; a reading watcher gets every diff meanwhile.
TEST_F(RegistryWatchTest, AWatcherThatDoesNotReadIsDroppedAndTheOthersGoOn) {
    start({"--watch-heartbeat", "3600s", "--max-watch-backlog", "16KiB"});
    UniqueFd sleeper = watch(port(), "/api/registry/watch", 4096);
    ASSERT_TRUE(sleeper);
    UniqueFd reader = watch(port());
    ASSERT_TRUE(reader);
    const uint64_t epoch = epoch_of(next_message(reader.get()));
    const std::string big(32 * 1024, 'x');
    bool dropped = false;
    for (int i = 1; i <= 400 && !dropped; ++i) {
        const std::string entry = "{\"id\":\"big\",\"port\":1,\"pid\":" + std::to_string(::getpid()) +
                                  ",\"startedAt\":\"2100-01-01T00:00:00.000Z\",\"meta\":\"" + std::to_string(i) +
                                  big + "\"}";
        write_file(registry() + ".tmp", "{\"servers\": [" + entry + "]}");
        ASSERT_EQ(::rename((registry() + ".tmp").c_str(), registry().c_str()), 0);
        ASSERT_EQ(next_message(reader.get()), diff(epoch, static_cast<uint64_t>(i), entry, "")) << i;
        dropped = http_->process.wait_for_stderr_line("watcher dropped", 1).has_value();
    }
    ASSERT_TRUE(dropped) << http_->process.stderr_text();
    auto rest = read_until_closed(sleeper.get());
    EXPECT_TRUE(rest.closed);
    // It got the snapshot and some of the diffs, never a close frame after them.
    auto frames = support::parse_server_frames(rest.bytes);
    EXPECT_LT(frames.size(), 400u);
    for (const auto& frame : frames) EXPECT_EQ(frame.opcode, 1);
}

TEST_F(RegistryWatchTest, StatusAndCountersAreServedAndEachChangeIsADiff) {
    start({"--watch-heartbeat", "3600s"}, true);
    UniqueFd watcher = watch(port());
    ASSERT_TRUE(watcher);
    const uint64_t epoch = epoch_of(next_message(watcher.get()));
    ASSERT_NE(epoch, 0u);
    WsServer a = start_ws_server(registry());
    ASSERT_NE(a.port, 0);
    const std::string entry = file_entry(registry(), a.id);
    auto decorated = [&](std::string_view health) { return entry.substr(0, entry.size() - 1) + std::string(health) + "}"; };
    // A probe is due every 10 s and abandoned after 2 s: each change shows within 12 s.
    auto next_change = [&] {
        Frame frame = read_frame(watcher.get(), 12'000 + kWaitMs);
        return frame.ok && frame.opcode == 1 ? frame.payload : std::string();
    };
    // Published before it is probed, then the probe's answer. The entry is
    // written just before the server listens, so the first probe may be
    // refused (and the next one, a second later, live).
    EXPECT_EQ(next_message(watcher.get()), diff(epoch, 1, decorated(R"(,"status":"unknown")"), ""));
    uint64_t gen = 1;
    auto expect_next = [&](std::string_view health) {
        std::string message = next_change();
        if (message == diff(epoch, gen + 1, decorated(R"(,"status":"refused")"), "")) {
            ++gen;
            message = next_change();
        }
        ++gen;
        EXPECT_EQ(message, diff(epoch, gen, decorated(health), ""));
    };
    const std::string_view idle = R"(,"status":"live","connections":0,"messages":0)";
    expect_next(idle);
    const std::string served = request(port(), "/api/registry");
    EXPECT_EQ(http_header(served, "ETag"), "\"" + std::to_string(epoch) + "." + std::to_string(gen) + "\"");
    auto doc = json::parse(http_body(served));
    ASSERT_TRUE(doc.ok()) << served;
    EXPECT_EQ(json::to_string(doc.value().as_array()[0], 0), decorated(idle));

    UniqueFd client = ws_connect(a.port);
    for (const char* message : {"one", "two"}) {
        ASSERT_TRUE(send_all(client.get(), masked_frame(0x81, message)));
        EXPECT_EQ(read_frame(client.get()).payload, message);
    }
    const std::string_view busy = R"(,"status":"live","connections":1,"messages":2)";
    expect_next(busy);  // at the next probe
    a.process.signal(SIGSTOP);
    expect_next(R"(,"status":"unresponsive")");
    a.process.signal(SIGCONT);
    expect_next(busy);
}

}  // namespace
