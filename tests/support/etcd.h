// Real etcd for the tests (issue 14): one node or a three-member cluster on
// loopback ports picked here, a temporary data folder, `--unsafe-no-fsync`,
// every member killed and the folder removed when the object goes. The binary
// is build/etcd/usr/bin/etcd (scripts/deps.sh extracts Debian's etcd-server
// there without starting any service) or $PEER_PLAN_ETCD. Tests skip only
// when it is absent and $CI is unset; in CI a missing etcd fails.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace support {

// $PEER_PLAN_ETCD, else build/etcd/usr/bin/etcd when it exists, else "".
std::string etcd_binary();
bool in_ci();  // $CI is set and not empty

// Use at the top of a test: skips (outside CI) or fails (in CI) without etcd.
#define SKIP_WITHOUT_ETCD()                                                                          \
    do {                                                                                             \
        if (::support::etcd_binary().empty()) {                                                      \
            if (::support::in_ci()) FAIL() << "etcd is missing in CI: scripts/deps.sh test puts it " \
                                              "in build/etcd";                                       \
            GTEST_SKIP() << "etcd not found (run scripts/deps.sh test, or set PEER_PLAN_ETCD)";      \
        }                                                                                            \
    } while (0)

// A loopback TCP port that was free a moment ago (bound to port 0, closed).
uint16_t free_port();

struct HttpReply {
    int status = 0;     // 0: no answer (then error says why)
    std::string body;   // chunked framing removed
    std::string error;
};

// One blocking request to 127.0.0.1:port, "Connection: close", bounded by
// timeout_ms. `token` goes in `Authorization` when not empty.
HttpReply http_call(uint16_t port, std::string_view method, std::string_view path, std::string_view body = {},
                    std::string_view token = {}, int timeout_ms = 5000);

class EtcdCluster {
public:
    // Starts `members` etcd processes and waits until each answers /health
    // with {"health":"true"}; ok() says whether that happened (error() why).
    explicit EtcdCluster(int members = 1);
    ~EtcdCluster();
    EtcdCluster(const EtcdCluster&) = delete;
    EtcdCluster& operator=(const EtcdCluster&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    int size() const { return static_cast<int>(members_.size()); }
    uint16_t client_port(int member) const { return members_[member].client_port; }
    // "etcd://[user@]127.0.0.1:P1,127.0.0.1:P2,...PREFIX" over every member.
    std::string url(std::string_view prefix = "", std::string_view user = "") const;

    void kill(int member);  // SIGKILL and reap (a crash)
    void stop(int member);  // SIGTERM, wait (SIGKILL after 5 s)
    // Starts a stopped member again with the same data folder and ports.
    bool start(int member);
    bool healthy(int member, int timeout_ms = 10'000);

    // POST /v3/<path> to the first running member (as root once auth is on).
    HttpReply call(std::string_view path, std::string_view body);
    // Adds root and `user` (role `user` with readwrite on `prefix`), enables
    // auth; "" when done, else what failed.
    std::string enable_auth(const std::string& user, const std::string& password, const std::string& prefix);
    // The log of a member (stdout and stderr), for failure messages.
    std::string log(int member) const;
    const std::string& dir() const { return dir_; }

private:
    struct Member {
        std::string name;
        uint16_t client_port = 0;
        uint16_t peer_port = 0;
        pid_t pid = -1;
    };
    bool spawn(int member);
    std::string binary_;
    std::string dir_;
    std::string initial_cluster_;
    std::vector<Member> members_;
    std::string root_token_;
    std::string error_;
};

// The base64 (standard, padded) of `bytes`, for request bodies.
std::string b64(std::string_view bytes);

}  // namespace support
