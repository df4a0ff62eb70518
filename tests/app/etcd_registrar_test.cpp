// EtcdRegistrar against a scripted gateway (tests/support/etcd_gateway.h): a
// thread that answers each POST /v3/<call> with what the test's function says
// for that call and body.
#include "app/etcd_registrar.h"

#include <gtest/gtest.h>

#include <string>

#include "json/reader.h"
#include "registry/etcd_url.h"
#include "tests/support/etcd_gateway.h"

namespace {

using support::gateway_reply;
using support::ScriptedGateway;

registry::EtcdTarget target(uint16_t port) {
    return registry::parse_etcd_url("etcd://127.0.0.1:" + std::to_string(port)).value();
}

const std::string kLeaseNotFound =
    gateway_reply("404 Not Found", R"({"error":"etcdserver: requested lease not found","code":5,)"
                                   R"("message":"etcdserver: requested lease not found"})");

// A lease lost while the key was being written (the write answered "lease
// not found": it expired in between) is granted anew; writing again and
// again with the dead lease never registers. Failed before the fix: the
// registrar repeated kv/txn with lease 8 until the guard stopped the loop.
TEST(EtcdRegistrar, AWriteThatFindsTheLeaseGoneGrantsANewOne) {
    int next_lease = 7;
    ScriptedGateway gateway([&](const std::string& call, const std::string& body) {
        if (call == "lease/grant")
            return gateway_reply("200 OK", R"({"ID":")" + std::to_string(next_lease++) + R"(","TTL":"10"})");
        if (call == "kv/txn") {
            // Lease 8 expires before its key is written.
            if (body.find(R"("lease":"8")") != std::string::npos) return kLeaseNotFound;
            return gateway_reply("200 OK", R"({"succeeded":true})");
        }
        if (call == "lease/keepalive") {
            // Lease 7 is lost at its first renewal.
            if (body.find(R"("ID":"7")") != std::string::npos) return gateway_reply("200 OK", R"({"result":{}})");
            return gateway_reply("200 OK", R"({"result":{"TTL":"10"}})");
        }
        return gateway_reply("501 Not Implemented", R"({"error":"unscripted","code":12})");
    });
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    bool again = false;
    app::EtcdRegistrarEvents events;
    events.on_first = [](const Status& st) { EXPECT_TRUE(st.ok()); };
    events.on_registered_again = [&] {
        again = true;
        loop.value().stop();
    };
    app::EtcdRegistrarOptions options;
    options.ttl_s = 1;  // renewals every 333 ms
    options.max_backoff_ms = 200;
    app::EtcdRegistrar registrar(loop.value(), target(gateway.port()), "", "a1", json::parse(R"({"id":"a1"})").value(),
                                 events, options);
    registrar.start();
    loop::TimerId guard = loop.value().every(5'000, [&] { loop.value().stop(); });
    ASSERT_TRUE(loop.value().run().ok());
    loop.value().cancel(guard);
    EXPECT_TRUE(again);
    EXPECT_TRUE(registrar.registered());
    EXPECT_EQ(registrar.lease(), 9);
    // grant 7, txn, keepalive (lost), grant 8, txn (lease not found), grant 9, txn.
    std::vector<std::string> names;
    for (const auto& [call, body] : gateway.calls()) names.push_back(call);
    ASSERT_GE(names.size(), 7u);
    names.resize(7);
    EXPECT_EQ(names, (std::vector<std::string>{"lease/grant", "kv/txn", "lease/keepalive", "lease/grant", "kv/txn",
                                               "lease/grant", "kv/txn"}));
}

}  // namespace
