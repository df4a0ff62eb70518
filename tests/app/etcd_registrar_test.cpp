// EtcdRegistrar against a scripted gateway: a thread that answers each
// POST /v3/<call> with what the test's function says for that call and body.
#include "app/etcd_registrar.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/unique_fd.h"
#include "json/reader.h"
#include "registry/etcd_url.h"

namespace {

std::string reply(std::string_view status, std::string_view body) {
    return "HTTP/1.1 " + std::string(status) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           std::string(body);
}

class ScriptedGateway {
public:
    using Script = std::function<std::string(const std::string& call, const std::string& body)>;
    explicit ScriptedGateway(Script script) : script_(std::move(script)) {
        fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), length);
        ::listen(fd_.get(), 8);
        ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedGateway() {
        stop_ = true;
        thread_.join();
    }
    uint16_t port() const { return port_; }
    // The calls made so far, "lease/grant" etc., with their bodies.
    std::vector<std::pair<std::string, std::string>> calls() {
        std::lock_guard lock(mutex_);
        return calls_;
    }

private:
    bool wait(int fd) {
        pollfd p{fd, POLLIN, 0};
        while (!stop_)
            if (::poll(&p, 1, 20) == 1) return true;
        return false;
    }
    std::string answer_for(const std::string& call, const std::string& body) {
        std::lock_guard lock(mutex_);
        calls_.emplace_back(call, body);
        return script_(call, body);
    }
    void serve() {
        while (wait(fd_.get())) {
            UniqueFd client(::accept(fd_.get(), nullptr, nullptr));
            std::string in;
            char buffer[4096];
            while (wait(client.get())) {
                ssize_t n = ::recv(client.get(), buffer, sizeof buffer, 0);
                if (n <= 0) break;
                in.append(buffer, static_cast<size_t>(n));
                size_t end = in.find("\r\n\r\n");
                if (end == std::string::npos) continue;
                size_t length_at = in.find("Content-Length: ");
                size_t length = length_at < end ? std::stoul(in.substr(length_at + 16)) : 0;
                if (in.size() < end + 4 + length) continue;
                size_t path_at = in.find("/v3/") + 4;
                std::string call = in.substr(path_at, in.find(' ', path_at) - path_at);
                std::string answer = answer_for(call, in.substr(end + 4, length));
                in.erase(0, end + 4 + length);
                ::send(client.get(), answer.data(), answer.size(), MSG_NOSIGNAL);
            }
        }
    }
    Script script_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> calls_;
    UniqueFd fd_;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

registry::EtcdTarget target(uint16_t port) {
    return registry::parse_etcd_url("etcd://127.0.0.1:" + std::to_string(port)).value();
}

const std::string kLeaseNotFound =
    reply("404 Not Found", R"({"error":"etcdserver: requested lease not found","code":5,)"
                           R"("message":"etcdserver: requested lease not found"})");

// A lease lost while the key was being written (the write answered "lease
// not found": it expired in between) is granted anew; writing again and
// again with the dead lease never registers. Failed before the fix: the
// registrar repeated kv/txn with lease 8 until the guard stopped the loop.
TEST(EtcdRegistrar, AWriteThatFindsTheLeaseGoneGrantsANewOne) {
    int next_lease = 7;
    ScriptedGateway gateway([&](const std::string& call, const std::string& body) {
        if (call == "lease/grant")
            return reply("200 OK", R"({"ID":")" + std::to_string(next_lease++) + R"(","TTL":"10"})");
        if (call == "kv/txn") {
            // Lease 8 expires before its key is written.
            if (body.find(R"("lease":"8")") != std::string::npos) return kLeaseNotFound;
            return reply("200 OK", R"({"succeeded":true})");
        }
        if (call == "lease/keepalive") {
            // Lease 7 is lost at its first renewal.
            if (body.find(R"("ID":"7")") != std::string::npos) return reply("200 OK", R"({"result":{}})");
            return reply("200 OK", R"({"result":{"TTL":"10"}})");
        }
        return reply("501 Not Implemented", R"({"error":"unscripted","code":12})");
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
