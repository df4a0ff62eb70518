// The real programs on `--registry etcd://...` against a real etcd that the
// test starts (tests/support/etcd.h): ws-server registers and revokes,
// peer-plan lists, registry-http serves what etcd holds. Waits are bounded
// polls of an observable state (an /api/registry answer, a log line); the
// only time bounds asserted are the lease TTLs the tests set.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>


#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/clock.h"
#include "harness.h"
#include "json/reader.h"
#include "tests/support/etcd.h"

using namespace harness;
using support::EtcdCluster;

namespace {

constexpr int64_t kTtlS = 2;  // etcd's minimum lease, so the kill -9 cases stay short

Ran peer_plan(const std::vector<std::string>& args) { return run_to_end(bin("peer-plan"), args); }

WsServer start_ws(const std::string& url, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--lease-ttl", std::to_string(kTtlS) + "s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return start_ws_server(url, args);  // --registry URL
}

// The ids in a JSON array of entries ("" for one without).
std::vector<std::string> ids_in(const std::string& json_array) {
    std::vector<std::string> ids;
    auto doc = json::parse(json_array);
    if (!doc.ok() || !doc.value().is_array()) return {"<not a JSON array: " + json_array + ">"};
    for (const json::Value& entry : doc.value().as_array())
        ids.push_back(entry.find("id") ? entry.find("id")->as_string() : "");
    return ids;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::vector<std::string> listed(const std::string& url) {
    Ran ran = peer_plan({"list", "--registry", url, "--json"});
    EXPECT_EQ(ran.code, 0) << ran.err;
    return ids_in(ran.out);
}

std::string api_registry(uint16_t port) { return http_body(http_get(port, "/api/registry")); }

// Polls registry-http's /api/registry every 20 ms until `id` is there (or
// not), within `bound_ms`; true when it came to be.
bool wait_served(uint16_t port, const std::string& id, bool present, int64_t bound_ms = kWaitMs) {
    const int64_t deadline = base::monotonic_ms() + bound_ms;
    while (base::monotonic_ms() < deadline) {
        if (has(ids_in(api_registry(port)), id) == present) return true;
        ::usleep(20'000);
    }
    return false;
}

class EtcdPrograms : public ::testing::Test {
protected:
    void SetUp() override {
        SKIP_WITHOUT_ETCD();
        ::mkdir(dir_.file("web").c_str(), 0755);
        write_file(dir_.file("web") + "/index.html", "<!doctype html>\n");
    }
    HttpServer start_http(const std::string& url, std::vector<std::string> extra = {}) {
        return start_registry_http(url, dir_.file("web"), std::move(extra));
    }
    TempDir dir_;
};

TEST_F(EtcdPrograms, RegisterListStop) {
    EtcdCluster etcd;
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    WsServer ws = start_ws(etcd.url());
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    EXPECT_EQ(listed(etcd.url()), std::vector<std::string>{ws.id});

    Ran table = peer_plan({"list", "--registry", etcd.url()});
    EXPECT_EQ(table.code, 0) << table.err;
    EXPECT_NE(table.out.find(ws.id), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("ws://localhost:" + std::to_string(ws.port)), std::string::npos) << table.out;

    ws.process.signal(SIGTERM);
    EXPECT_EQ(ws.process.wait_exit(), 0) << ws.process.stderr_text();
    EXPECT_EQ(listed(etcd.url()), std::vector<std::string>{}) << "SIGTERM revokes the lease: the key is gone at once";
    Ran empty = peer_plan({"list", "--registry", etcd.url()});
    EXPECT_EQ(empty.out, "no servers in " + etcd.url() + "\n");
}

TEST_F(EtcdPrograms, UnreachableAtStartIsExit1NamingTheEndpoint) {
    const uint16_t nobody = support::free_port();
    const std::string url = "etcd://127.0.0.1:" + std::to_string(nobody);
    Process ws(bin("ws-server"), {"--registry", url});
    EXPECT_EQ(ws.wait_exit(), 1);
    const std::string err = ws.stderr_text();
    EXPECT_NE(err.find("ws-server: cannot register in " + url + ": etcd 127.0.0.1:" + std::to_string(nobody)),
              std::string::npos)
        << err;
    EXPECT_EQ(ws.stdout_text().find("listening"), std::string::npos) << "never listened";

    Process http(bin("registry-http"), {"--registry", url, "--port", "0", "--web", dir_.file("web")});
    EXPECT_EQ(http.wait_exit(), 1);
    EXPECT_NE(http.stderr_text().find("registry-http: cannot read " + url + ": etcd 127.0.0.1:"), std::string::npos);

    Ran list = peer_plan({"list", "--registry", url});
    EXPECT_EQ(list.code, 1);
    EXPECT_NE(list.err.find("peer-plan: cannot read " + url + ": etcd 127.0.0.1:"), std::string::npos) << list.err;
}

TEST_F(EtcdPrograms, KilledServerLeavesRegistryHttpWithinItsLease) {
    EtcdCluster etcd;
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    HttpServer http = start_http(etcd.url());
    ASSERT_NE(http.port, 0) << http.process.stderr_text();
    WsServer ws = start_ws(etcd.url());
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    ASSERT_TRUE(wait_served(http.port, ws.id, true)) << api_registry(http.port);
    const std::string served = api_registry(http.port);
    EXPECT_NE(served.find("\"url\": \"ws://localhost:" + std::to_string(ws.port) + "\""), std::string::npos) << served;

    ws.process.signal(SIGKILL);
    ws.process.wait_exit();
    // Gone when the lease expires: within the TTL, plus etcd's own expiry
    // tick and the watch's delivery (bounded by one more TTL).
    EXPECT_TRUE(wait_served(http.port, ws.id, false, 2 * kTtlS * 1000)) << api_registry(http.port);
}

TEST_F(EtcdPrograms, EtcdStoppedAndRestartedUnderARunningServer) {
    EtcdCluster etcd;
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    WsServer ws = start_ws(etcd.url());
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    UniqueFd client = ws_connect(ws.port);
    ASSERT_TRUE(client);

    etcd.stop(0);
    ASSERT_TRUE(ws.process.wait_for_err_line("unreachable")) << ws.process.stderr_text();
    ASSERT_TRUE(send_all(client.get(), masked_frame(0x81, "still echoing")));
    Frame echo = read_frame(client.get());
    EXPECT_TRUE(echo.ok);
    EXPECT_EQ(echo.payload, "still echoing");

    ASSERT_TRUE(etcd.start(0)) << etcd.log(0);
    ASSERT_TRUE(ws.process.wait_for_err_line("registered again in " + etcd.url())) << ws.process.stderr_text();
    EXPECT_EQ(listed(etcd.url()), std::vector<std::string>{ws.id});
    ASSERT_TRUE(send_all(client.get(), masked_frame(0x81, "and after")));
    EXPECT_EQ(read_frame(client.get()).payload, "and after");

    ws.process.signal(SIGTERM);
    EXPECT_EQ(ws.process.wait_exit(), 0);
    const std::string err = ws.process.stderr_text();
    std::vector<std::string> said;
    for (const std::string& line : lines_of(err))
        if (line.find("unreachable") != std::string::npos) said.push_back(line);
    ASSERT_EQ(said.size(), 1u) << "said once per outage:\n" << err;
    const std::string head = "warning: registry " + etcd.url() + " unreachable (etcd 127.0.0.1:";
    const std::string tail = "); still serving, registering again when it is back";
    EXPECT_EQ(said[0].substr(0, head.size()), head) << said[0];
    EXPECT_TRUE(said[0].ends_with(tail)) << said[0];
}

TEST_F(EtcdPrograms, ThreeMembersOneKilledNobodyNotices) {
    EtcdCluster etcd(3);
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    HttpServer http = start_http(etcd.url());
    ASSERT_NE(http.port, 0) << http.process.stderr_text();
    WsServer kept = start_ws(etcd.url());
    WsServer doomed = start_ws(etcd.url());
    ASSERT_NE(kept.port, 0);
    ASSERT_NE(doomed.port, 0);
    ASSERT_TRUE(wait_served(http.port, kept.id, true));
    ASSERT_TRUE(wait_served(http.port, doomed.id, true));

    etcd.kill(0);
    // The doomed server's lease runs out a TTL after its kill; the kept one,
    // registered earlier with the same TTL, outlives it only if its renewals
    // reach the remaining members.
    doomed.process.signal(SIGKILL);
    doomed.process.wait_exit();
    ASSERT_TRUE(wait_served(http.port, doomed.id, false)) << api_registry(http.port);
    EXPECT_TRUE(has(ids_in(api_registry(http.port)), kept.id)) << api_registry(http.port);
    WsServer late = start_ws(etcd.url());
    ASSERT_NE(late.port, 0) << late.process.stderr_text();
    EXPECT_TRUE(wait_served(http.port, late.id, true)) << "registry-http still follows: " << api_registry(http.port);
    EXPECT_EQ(kept.process.stderr_text().find("unreachable"), std::string::npos);
}

TEST_F(EtcdPrograms, TwoMachinesShowTheSameSet) {
    EtcdCluster etcd;
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    WsServer a = start_ws(etcd.url(), {"--advertise", "devbox"});
    WsServer b = start_ws(etcd.url(), {"--advertise", "buildbox"});
    ASSERT_NE(a.port, 0) << a.process.stderr_text();
    ASSERT_NE(b.port, 0) << b.process.stderr_text();
    HttpServer on_a = start_http(etcd.url(), {"--advertise", "devbox"});
    HttpServer on_b = start_http(etcd.url(), {"--advertise", "buildbox"});
    ASSERT_NE(on_a.port, 0);
    ASSERT_NE(on_b.port, 0);
    for (uint16_t port : {on_a.port, on_b.port}) {
        ASSERT_TRUE(wait_served(port, a.id, true)) << api_registry(port);
        ASSERT_TRUE(wait_served(port, b.id, true)) << api_registry(port);
        const std::string served = api_registry(port);
        EXPECT_NE(served.find("\"url\": \"ws://devbox:" + std::to_string(a.port) + "\""), std::string::npos) << served;
        EXPECT_NE(served.find("\"url\": \"ws://buildbox:" + std::to_string(b.port) + "\""), std::string::npos) << served;
    }
    EXPECT_EQ(api_registry(on_a.port), api_registry(on_b.port));
}

TEST_F(EtcdPrograms, AuthEnabled) {
    EtcdCluster etcd;
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    ASSERT_EQ(etcd.enable_auth("peer", "s3cret", "/peer-plan/"), "");
    const std::string url = etcd.url("", "peer");
    const std::string password = dir_.file("password");
    write_file(password, "s3cret\n");
    ASSERT_EQ(::chmod(password.c_str(), 0600), 0);

    WsServer ws = start_ws(url, {"--etcd-password-file", password});
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    ::setenv("PEER_PLAN_ETCD_PASSWORD_FILE", password.c_str(), 1);  // the other way to name it
    std::vector<std::string> ids = listed(url);
    HttpServer http = start_http(url);
    ::unsetenv("PEER_PLAN_ETCD_PASSWORD_FILE");
    EXPECT_EQ(ids, std::vector<std::string>{ws.id});
    ASSERT_NE(http.port, 0) << http.process.stderr_text();
    EXPECT_TRUE(wait_served(http.port, ws.id, true)) << api_registry(http.port);

    Ran no_password = peer_plan({"list", "--registry", url});
    EXPECT_EQ(no_password.code, 2);
    EXPECT_EQ(no_password.err.substr(0, no_password.err.find('\n')),
              "peer-plan: --registry " + url +
                  ": user 'peer' needs a password: --etcd-password-file PATH, or $PEER_PLAN_ETCD_PASSWORD_FILE=PATH "
                  "(a file only you can read; never on the command line)");
    ASSERT_EQ(::chmod(password.c_str(), 0644), 0);
    Ran readable = peer_plan({"list", "--registry", url, "--etcd-password-file", password});
    EXPECT_EQ(readable.code, 2);
    EXPECT_EQ(readable.err.substr(0, readable.err.find('\n')),
              "peer-plan: --etcd-password-file: password file " + password +
                  ": mode 0644 lets other users read it; chmod 600 " + password);
    ASSERT_EQ(::chmod(password.c_str(), 0600), 0);
    write_file(password, "wrong\n");
    Ran wrong = peer_plan({"list", "--registry", url, "--etcd-password-file", password});
    EXPECT_EQ(wrong.code, 1) << wrong.err;

    ws.process.signal(SIGTERM);
    EXPECT_EQ(ws.process.wait_exit(), 0) << ws.process.stderr_text();
}

TEST_F(EtcdPrograms, PeerPlanRegisterIsRefusedAndSuggestsRun) {
    const std::string url = "etcd://127.0.0.1:2379";  // never contacted
    Ran ran = peer_plan({"register", "--registry", url, "--port", "4242"});
    EXPECT_EQ(ran.code, 2);
    EXPECT_EQ(ran.err.substr(0, ran.err.find('\n')),
              "peer-plan: register: an etcd entry lives under a lease that a running process renews, and register "
              "exits at once; `peer-plan run --registry " + url +
                  " -- CMD` runs the server and keeps its entry while it listens");
}

TEST_F(EtcdPrograms, PeerPlanUnregisterDeletesTheKey) {
    EtcdCluster etcd;
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    WsServer ws = start_ws(etcd.url());
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    Ran ran = peer_plan({"unregister", "--registry", etcd.url(), "--port", std::to_string(ws.port)});
    EXPECT_EQ(ran.code, 0) << ran.err;
    EXPECT_EQ(ran.out, "removed " + ws.id + "\n");
    EXPECT_EQ(listed(etcd.url()), std::vector<std::string>{});
}

}  // namespace

namespace {

TEST_F(EtcdPrograms, PeerPlanRunKeepsEachPortUnderALease) {
    EtcdCluster etcd;
    ASSERT_TRUE(etcd.ok()) << etcd.error();
    Process runner(bin("peer-plan"), {"run", "--registry", etcd.url(), "--lease-ttl", "2s", "--kind", "echo",
                                      "--advertise", "devbox", "--", bin("ws-server"), "--registry",
                                      dir_.file("inner.json")});
    auto line = runner.wait_for_err_line("peer-plan: registered");
    ASSERT_TRUE(line) << runner.stderr_text();
    const std::string id = line->substr(line->find("registered ") + 11, line->find(' ', line->find("registered ") + 11) -
                                                                            line->find("registered ") - 11);
    EXPECT_NE(line->find(" ws://devbox:"), std::string::npos) << *line;
    EXPECT_EQ(listed(etcd.url()), std::vector<std::string>{id});
    runner.signal(SIGTERM);  // passed on to ws-server, which exits 0
    EXPECT_EQ(runner.wait_exit(), 0) << runner.stderr_text();
    EXPECT_TRUE(has_line(runner.stderr_text(), "peer-plan: removed " + id + " (port " +
                                                   line->substr(line->rfind(':') + 1, line->find(' ', line->rfind(':')) -
                                                                                          line->rfind(':') - 1) +
                                                   ")"))
        << runner.stderr_text();
    EXPECT_EQ(listed(etcd.url()), std::vector<std::string>{}) << "revoked when CMD exited";
}

}  // namespace
