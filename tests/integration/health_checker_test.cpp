// app::HealthChecker on a real event loop in the test process, probing real
// ws-servers (and a foreign program, and a port nobody listens on) over
// loopback: every status of SPEC "Live registry" and ws-server's counters.
// Each wait runs the loop until the status sought is shown (checked after
// every change the checker reports), bounded; nothing is timed.
#include "app/health_checker.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness.h"
#include "json/reader.h"
#include "loop/event_loop.h"
#include "registry/probe.h"

using namespace harness;

namespace {

// A probe is due every 10 s and abandoned after 2 s: a change is seen within
// 12 s of happening. The bound leaves room for a loaded machine.
constexpr int64_t kStatusWaitMs = registry::kProbeIntervalMs + registry::kProbeTimeoutMs + kWaitMs;

class HealthCheckerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto created = loop::EventLoop::create();
        ASSERT_TRUE(created.ok()) << created.error().message;
        loop_.emplace(std::move(created.value()));
        checker_ = std::make_unique<app::HealthChecker>(*loop_, [this] { changed(); });
    }
    void TearDown() override { checker_.reset(); }

    std::string registry() const { return dir_.file("servers.json"); }

    // The entry a ws-server wrote for itself.
    json::Value entry_of(const WsServer& server) {
        auto doc = json::parse(read_file(registry()));
        EXPECT_TRUE(doc.ok());
        if (doc.ok())
            for (const json::Value& entry : doc.value().find("servers")->as_array())
                if (entry.find("id")->as_string() == server.id) return entry;
        ADD_FAILURE() << "no entry for " << server.id;
        return json::Value::object();
    }
    void set_entries(std::vector<json::Value> entries) {
        entries_ = std::move(entries);
        checker_->set_entries(entries_);
    }
    json::Value shown(const std::string& id) const {
        for (const json::Value& entry : entries_)
            if (entry.find("id")->as_string() == id) return checker_->decorate(entry);
        return json::Value::object();
    }
    std::string status(const std::string& id) const {
        const json::Value entry = shown(id);
        const json::Value* status = entry.find("status");
        return status != nullptr ? status->as_string() : "(none)";
    }
    // Runs the loop until `id` shows `wanted` (and `also` holds), at most
    // `bound_ms`; the status it ends with.
    std::string wait_status(const std::string& id, std::string_view wanted, std::function<bool()> also = {},
                            int64_t bound_ms = kStatusWaitMs) {
        until_ = [&] { return status(id) == wanted && (!also || also()); };
        if (!until_()) {
            const loop::TimerId bound = loop_->every(bound_ms, [this] { loop_->stop(); });
            Status ran = loop_->run();
            EXPECT_TRUE(ran.ok());
            loop_->cancel(bound);
        }
        until_ = nullptr;
        return status(id);
    }
    void changed() {
        ++changes_;
        if (until_ && until_()) loop_->stop();
    }
    std::optional<int64_t> counter(const std::string& id, const char* name) const {
        const json::Value entry = shown(id);
        const json::Value* value = entry.find(name);
        return value != nullptr ? value->as_int() : std::nullopt;
    }

    TempDir dir_;
    std::optional<loop::EventLoop> loop_;
    std::unique_ptr<app::HealthChecker> checker_;
    std::vector<json::Value> entries_;
    std::function<bool()> until_;
    int changes_ = 0;
};

TEST_F(HealthCheckerTest, LiveServerShowsItsCounters) {
    WsServer server = start_ws_server(registry());
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    UniqueFd client = ws_connect(server.port);
    ASSERT_TRUE(client);
    for (const char* message : {"one", "two", "three"}) {
        ASSERT_TRUE(send_all(client.get(), masked_frame(0x81, message)));
        EXPECT_EQ(read_frame(client.get()).payload, message);
    }
    const json::Value entry = entry_of(server);
    set_entries({entry});
    EXPECT_EQ(status(server.id), "unknown");  // nothing is probed inside set_entries
    EXPECT_EQ(changes_, 0);
    EXPECT_EQ(wait_status(server.id, "live"), "live");
    EXPECT_EQ(counter(server.id, "connections"), 1);
    EXPECT_EQ(counter(server.id, "messages"), 3);
    // The entry's own fields are passed on as they are.
    json::Value decorated = shown(server.id);
    for (const auto& [key, value] : entry.as_object())
        EXPECT_TRUE(decorated.find(key) != nullptr && *decorated.find(key) == value) << key;
}

TEST_F(HealthCheckerTest, StoppedServerIsUnresponsiveAndLiveAgainWhenContinued) {
    WsServer server = start_ws_server(registry());
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    set_entries({entry_of(server)});
    ASSERT_EQ(wait_status(server.id, "live"), "live");
    server.process.signal(SIGSTOP);
    EXPECT_EQ(wait_status(server.id, "unresponsive"), "unresponsive");
    EXPECT_EQ(counter(server.id, "messages"), std::nullopt);  // no counters but from a live server
    server.process.signal(SIGCONT);
    EXPECT_EQ(wait_status(server.id, "live"), "live");
    EXPECT_EQ(counter(server.id, "connections"), 0);
}

// A port bound but not listening: every connection to it is refused.
struct ClosedPort {
    UniqueFd fd{::socket(AF_INET, SOCK_STREAM, 0)};
    uint16_t port = 0;
    ClosedPort() {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) == 0)
            port = ntohs(address.sin_port);
    }
};

json::Value fake_entry(const std::string& id, uint16_t port, std::string_view instance = {}) {
    json::Value entry = json::Value::object({
        {"id", json::Value::string(id)},
        {"port", json::Value::number(port)},
        {"url", json::Value::string("ws://localhost:" + std::to_string(port))},
        {"pid", json::Value::number(::getpid())},
        {"startedAt", json::Value::string("2026-01-01T00:00:00.000Z")},
    });
    if (!instance.empty()) entry.set("instance", json::Value::string(std::string(instance)));
    return entry;
}

TEST_F(HealthCheckerTest, PortNobodyListensOnIsRefused) {
    ClosedPort closed;
    ASSERT_NE(closed.port, 0);
    set_entries({fake_entry("nobody", closed.port)});
    EXPECT_EQ(wait_status("nobody", "refused"), "refused");
}

TEST_F(HealthCheckerTest, ForeignProgramOnARegisteredPortIsAnImpostor) {
    // python3's HTTP server answers /healthz with a 404 page, not a /healthz body.
    ClosedPort reserved;  // a free port for it; released just before it starts
    const uint16_t port = reserved.port;
    ASSERT_NE(port, 0);
    reserved.fd.reset();
    Process foreign("/usr/bin/env", {"python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                                     dir_.path(), std::to_string(port)});
    ASSERT_TRUE(foreign.wait_for_line("Serving HTTP")) << foreign.stderr_text();
    const std::string instance = "0123456789abcdef0123456789abcdef";
    set_entries({fake_entry("claims-echo", port, instance), fake_entry("plain-http", port)});
    EXPECT_EQ(wait_status("claims-echo", "impostor"), "impostor");
    // An entry without an instance (not written by ws-server) takes any answer.
    EXPECT_EQ(wait_status("plain-http", "live"), "live");
}

TEST_F(HealthCheckerTest, WsServerNamingAnotherInstanceOrIdIsAnImpostor) {
    WsServer server = start_ws_server(registry());
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    json::Value old_life = entry_of(server);
    old_life.set("id", json::Value::string("old-life"));
    json::Value other_instance = entry_of(server);
    other_instance.set("instance", json::Value::string("ffffffffffffffffffffffffffffffff"));
    set_entries({other_instance, old_life});
    EXPECT_EQ(wait_status(server.id, "impostor"), "impostor");
    EXPECT_EQ(wait_status("old-life", "impostor"), "impostor");
}

TEST_F(HealthCheckerTest, EntryNamingAHostByNameStaysUnknown) {
    WsServer server = start_ws_server(registry());
    ASSERT_NE(server.port, 0) << server.process.stderr_text();
    json::Value by_name = entry_of(server);
    by_name.set("id", json::Value::string("by-name"));
    by_name.set("url", json::Value::string("ws://example.invalid:" + std::to_string(server.port)));
    set_entries({by_name, entry_of(server)});
    // The one by number is probed and seen; the one by name never is.
    EXPECT_EQ(wait_status(server.id, "live"), "live");
    EXPECT_EQ(status("by-name"), "unknown");
}

}  // namespace
