// A scripted stand-in for etcd's JSON gateway, for the unit tests of what
// talks to etcd (EtcdRegistrar, EtcdFollower): a thread on a loopback port
// that answers each POST /v3/<call> with what the test's function returns
// for that call and body, on one connection after another. An answer need
// not end (a watch that holds): the connection then stays open until the
// test calls drop_connection().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/unique_fd.h"

namespace support {

// "HTTP/1.1 <status>" with a Content-Length body.
std::string gateway_reply(std::string_view status, std::string_view body);

class ScriptedGateway {
public:
    using Script = std::function<std::string(const std::string& call, const std::string& body)>;
    explicit ScriptedGateway(Script script);
    ~ScriptedGateway();
    ScriptedGateway(const ScriptedGateway&) = delete;
    ScriptedGateway& operator=(const ScriptedGateway&) = delete;

    uint16_t port() const { return port_; }
    // The calls made so far, "lease/grant" etc., with their bodies.
    std::vector<std::pair<std::string, std::string>> calls();
    // Closes the connection being served (from any thread), as a gateway
    // that lost its etcd would.
    void drop_connection() { drop_ = true; }

private:
    bool wait(int fd, bool client);
    std::string answer_for(const std::string& call, const std::string& body);
    void serve();

    Script script_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> calls_;
    UniqueFd fd_;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<bool> drop_{false};
    std::thread thread_;
};

}  // namespace support
