// Shared by the load tests: figure lines, the registry fixture, and a
// keep-alive HTTP client for registry-http.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "../integration/harness.h"
#include "child.h"

namespace load {

// Allowed VmRSS growth over a test: glibc keeps freed chunks for reuse, so
// RSS does not fall back to the idle figure to the page.
constexpr long kRssSlackKib = 8 * 1024;

// One "[figures] <test>: <text>" line on stdout, flushed.
void figures(const std::string& test, const std::string& text);
std::string bin(const std::string& name);  // $PEER_PLAN_BIN_DIR/<name>, default ./<name>
int own_fds();                             // of this test process

// A keep-alive HTTP/1.1 client that reads whole responses with big reads.
class HttpClient {
public:
    explicit HttpClient(uint16_t port) : port_(port), fd_(harness::connect_to(port)) {}
    bool connected() const { return static_cast<bool>(fd_); }
    // GET path; fills status and body; false on a broken or closing connection.
    bool get(const std::string& path, int* status, std::string* body);

private:
    bool more();
    uint16_t port_;
    UniqueFd fd_;
    std::string in_;
};

// (id, port, pid) of every entry of a JSON array; false if it is not one, or
// an entry lacks a string id or an integer port or pid.
using Triple = std::tuple<std::string, int64_t, int64_t>;
bool entries_of(const std::string& text, std::set<Triple>* out);

// A temporary registry and web folder; the test's own descriptors must be
// back where they were at the end.
class RegistryLoad : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
    std::string registry() { return dir_.file("servers.json"); }
    // registry-http on port 0 serving dir_; *port = 0 if it never listened.
    Child start_registry_http(uint16_t* port, std::vector<std::string> extra = {});

    harness::TempDir dir_;
    int fds_at_start_ = 0;
};

}  // namespace load
