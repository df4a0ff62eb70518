// EtcdClient's failover and error messages against scripted gateways
// (tests/support/etcd_gateway.h), each answering every request on its port
// with one canned response.
#include "app/etcd_client.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "registry/etcd_url.h"
#include "tests/support/etcd_gateway.h"

namespace {

using support::gateway_reply;

// Answers every call with `answer`, on one connection after another.
class CannedServer {
public:
    explicit CannedServer(std::string answer)
        : gateway_([answer = std::move(answer)](const std::string&, const std::string&) { return answer; }) {}
    uint16_t port() const { return gateway_.port(); }
    int requests() { return static_cast<int>(gateway_.calls().size()); }

private:
    support::ScriptedGateway gateway_;
};

const std::string kNoLeader = gateway_reply("503 Service Unavailable",
                                            R"({"error":"etcdserver: no leader","code":14,"message":"etcdserver: no leader"})");

std::string endpoint(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// One call on a loop of its own; the loop stops when it completes (or after 10 s).
Result<std::string> call(app::EtcdClient& client, loop::EventLoop& loop, std::string path) {
    std::optional<Result<std::string>> outcome;
    client.call(std::move(path), "{}", [&](Result<std::string> answer) {
        outcome = std::move(answer);
        loop.stop();
    });
    loop::TimerId guard = loop.every(10'000, [&] { loop.stop(); });
    EXPECT_TRUE(loop.run().ok());
    loop.cancel(guard);
    return outcome ? *outcome : Result<std::string>(Error{"no completion"});
}

registry::EtcdTarget target(std::initializer_list<uint16_t> ports) {
    std::string url = "etcd://";
    for (uint16_t port : ports) url += (url.size() > 7 ? "," : "") + endpoint(port);
    return registry::parse_etcd_url(url).value();
}

TEST(EtcdClient, A5xxMovesOnToTheNextEndpointAndStaysThere) {
    CannedServer sick(kNoLeader);
    CannedServer fine(gateway_reply("200 OK", R"({"header":{"revision":"3"}})"));
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    app::EtcdClient client(loop.value(), target({sick.port(), fine.port()}), "");
    auto first = call(client, loop.value(), "kv/range");
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first.value(), R"({"header":{"revision":"3"}})");
    EXPECT_EQ(client.endpoint(), endpoint(fine.port()));
    auto second = call(client, loop.value(), "kv/range");
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(sick.requests(), 1);  // the second call went to the one that answered
    EXPECT_EQ(fine.requests(), 2);
}

TEST(EtcdClient, WhenEveryEndpointFailsEachIsNamed) {
    CannedServer sick(kNoLeader);
    uint16_t closed = 0;
    {
        CannedServer gone(kNoLeader);
        closed = gone.port();
    }
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    app::EtcdClient client(loop.value(), target({sick.port(), closed}), "");
    auto result = call(client, loop.value(), "lease/grant");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message, "etcd " + endpoint(sick.port()) +
                                          ": lease/grant: etcdserver: no leader (503, code 14); etcd " +
                                          endpoint(closed) + ": connection refused");
}

TEST(EtcdClient, A4xxIsAnAnswerNotAFailover) {
    CannedServer missing(gateway_reply("404 Not Found", R"({"error":"etcdserver: requested lease not found","code":5,)"
                                                        R"("message":"etcdserver: requested lease not found"})"));
    CannedServer other(gateway_reply("200 OK", "{}"));
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    app::EtcdClient client(loop.value(), target({missing.port(), other.port()}), "");
    auto result = call(client, loop.value(), "lease/keepalive");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message, "etcd " + endpoint(missing.port()) +
                                          ": lease/keepalive: etcdserver: requested lease not found (404, code 5)");
    EXPECT_EQ(other.requests(), 0);
}

}  // namespace

namespace {

using Turn = app::Reachability::Turn;

TEST(Reachability, FirstOutcomeOnceThenEachOutageOnceWithADoublingCappedBackoff) {
    app::Reachability reach(100, 300);
    EXPECT_EQ(reach.succeeded(), Turn::first);
    EXPECT_EQ(reach.succeeded(), Turn::none);
    EXPECT_EQ(reach.failed(), Turn::down);
    EXPECT_EQ(reach.backoff_ms(), 100);
    EXPECT_TRUE(reach.down());
    EXPECT_EQ(reach.failed(), Turn::none);
    EXPECT_EQ(reach.backoff_ms(), 200);
    EXPECT_EQ(reach.failed(), Turn::none);
    EXPECT_EQ(reach.backoff_ms(), 300);
    EXPECT_EQ(reach.succeeded(), Turn::back);
    EXPECT_EQ(reach.backoff_ms(), 0);
    EXPECT_FALSE(reach.down());
}

TEST(Reachability, AFailedFirstOutcomeIsTheFirstAndStartsNoBackoff) {
    app::Reachability reach(100, 300);
    EXPECT_EQ(reach.failed(), Turn::first);
    EXPECT_EQ(reach.backoff_ms(), 0);
    EXPECT_FALSE(reach.down());
}

}  // namespace
