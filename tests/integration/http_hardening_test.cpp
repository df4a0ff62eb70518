// registry-http against the findings of issue 10 (6, 7, 8, 9, 11, 14, 15):
// large files streamed with bounded memory, pipelining behind them, running
// out of descriptors, absolute-form targets and repeated Origins, escaped log
// lines with the peer, --verbose, the CORS preflight, and a port in use.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "harness.h"
#include "log_lines.h"

using namespace harness;

namespace {

// Bytes no two offsets of which repeat in a short cycle, so a misplaced chunk shows.
std::string pattern_bytes(size_t size) {
    std::string bytes(size, '\0');
    uint32_t state = 0x9e3779b9;
    for (size_t i = 0; i < size; ++i) {
        state = state * 1664525u + 1013904223u;
        bytes[i] = static_cast<char>(state >> 24);
    }
    return bytes;
}

// The server's resident memory in KiB (VmRSS in /proc/<pid>/status).
long vm_rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

std::string get_request(std::string_view target, uint16_t port, std::string_view extra = {}) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" +
           std::string(extra) + "\r\n";
}

// A response without its Date line, which changes every second.
std::string without_date(std::string response) {
    size_t at = response.find("\r\nDate: ");
    if (at != std::string::npos) response.erase(at, response.find("\r\n", at + 2) - at);
    return response;
}

class HttpHardeningTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::mkdir(web_dir().c_str(), 0755);
        write_file(web_dir() + "/index.html", "<!doctype html><title>peer-plan</title>\n");
    }
    void start(std::vector<std::string> extra = {}) {
        http_ = std::make_unique<HttpServer>(start_registry_http(registry(), web_dir(), std::move(extra)));
        ASSERT_NE(http_->port, 0) << http_->process.stderr_text();
    }
    // Stops the server; its stderr.
    std::string stop() {
        http_->process.signal(SIGTERM);
        EXPECT_EQ(http_->process.wait_exit(), 0);
        return http_->process.stderr_text();
    }
    std::string registry() const { return dir_.file("servers.json"); }
    std::string web_dir() const { return dir_.file("web"); }
    uint16_t port() const { return http_->port; }

    TempDir dir_;
    std::unique_ptr<HttpServer> http_;
};

// Finding 7: 50 clients that ask for a 5 MB file and never read held 252 MB
// (each answer was buffered whole). Streamed, each holds a chunk or two.
TEST_F(HttpHardeningTest, NeverReadingClientsOfALargeFileKeepMemoryBounded) {
    const std::string big = pattern_bytes(5 << 20);
    write_file(web_dir() + "/big.bin", big);
    start();
    ASSERT_EQ(http_status(http_get(port(), "/index.html")), 200);
    const long before = vm_rss_kib(http_->process.pid());
    ASSERT_GT(before, 0);

    std::vector<UniqueFd> stalled;
    for (int i = 0; i < 50; ++i) {
        stalled.push_back(connect_to(port()));
        ASSERT_TRUE(send_all(stalled.back().get(), get_request("/big.bin", port())));
    }
    // Each has been answered (bytes wait in its socket), so the server did its part.
    for (UniqueFd& fd : stalled) {
        pollfd ready{fd.get(), POLLIN, 0};
        ASSERT_EQ(::poll(&ready, 1, kWaitMs), 1);
    }
    // And a reader after them is served: the loop is past all 50 requests.
    std::string response = http_get(port(), "/big.bin");
    ASSERT_EQ(http_status(response), 200);
    EXPECT_TRUE(http_body(response) == big) << "a client that reads gets the exact bytes";
    const long after = vm_rss_kib(http_->process.pid());
    // Buffered whole, the 50 answers are 250 MiB; streamed, a few MiB.
    EXPECT_LT(after - before, 48 * 1024) << "VmRSS " << before << " KiB -> " << after << " KiB";
}

// Finding 7: HEAD said 200 and GET 500 for a file over the old 64 MiB limit.
TEST_F(HttpHardeningTest, HeadAndGetAgreeOnAFileOver64MiB) {
    const std::string huge = pattern_bytes((64 << 20) + 4096);
    write_file(web_dir() + "/huge.bin", huge);
    start();
    std::string head = http_get(port(), "/huge.bin", {}, "HEAD");
    EXPECT_EQ(http_status(head), 200) << head;
    EXPECT_NE(head.find("\r\nContent-Length: 67112960\r\n"), std::string::npos) << head;
    std::string got = http_get(port(), "/huge.bin");
    EXPECT_EQ(http_status(got), 200) << got.substr(0, 300);
    EXPECT_EQ(without_date(got.substr(0, got.find("\r\n\r\n"))), without_date(head.substr(0, head.find("\r\n\r\n"))));
    EXPECT_TRUE(http_body(got) == huge);
}

// Finding 8: 1,200 pipelined requests behind a large file, all sent before
// reading, got no answer and a reset. Now every answer comes, in order.
TEST_F(HttpHardeningTest, PipelinedRequestsBehindALargeFileAllArriveInOrder) {
    const std::string big = pattern_bytes(5 << 20);
    write_file(web_dir() + "/big.bin", big);
    for (int i = 0; i < 10; ++i) write_file(web_dir() + "/f" + std::to_string(i) + ".txt", "file " + std::to_string(i) + "\n");
    start();
    UniqueFd fd = connect_to(port());
    std::string requests = get_request("/big.bin", port());
    const std::string pad = "X-Pad: " + std::string(40, 'p') + "\r\n";
    for (int i = 1; i < 1200; ++i) requests += get_request("/f" + std::to_string(i % 10) + ".txt", port(), pad);
    ASSERT_GT(requests.size(), 100'000u);
    ASSERT_TRUE(send_all(fd.get(), requests));
    std::string first = recv_http_response(fd.get());
    ASSERT_EQ(http_status(first), 200) << first.substr(0, 300);
    EXPECT_TRUE(http_body(first) == big);
    for (int i = 1; i < 1200; ++i) {
        std::string response = recv_http_response(fd.get());
        ASSERT_EQ(http_status(response), 200) << "response " << i << ": " << response;
        ASSERT_EQ(http_body(response), "file " + std::to_string(i % 10) + "\n") << "response " << i;
    }
}

// Finding 9: out of descriptors, the answers were a 500 and a false
// "404 Not Found: /index.html". Now: 503, whether at accept (a descriptor is
// kept in reserve for it) or for a file; the registry is served from memory.
TEST_F(HttpHardeningTest, OutOfDescriptorsAnswers503) {
    write_file(registry(), "{\"servers\": []}\n");
    Process server("/usr/bin/prlimit", {"--nofile=40:40", bin("registry-http"), "--port", "0", "--registry",
                                        registry(), "--web", web_dir()});
    auto line = server.wait_for_line("registry-http listening on http://127.0.0.1:");
    ASSERT_TRUE(line) << server.stderr_text();
    const auto p = static_cast<uint16_t>(std::stoi(line->substr(line->find("127.0.0.1:") + 10)));
    const std::string refusal = "503 Service Unavailable: out of file descriptors; try again\n";

    std::vector<UniqueFd> held;
    int refused = 0;
    for (int i = 0; i < 80 && refused == 0; ++i) {
        UniqueFd fd = connect_to(p);
        ASSERT_TRUE(fd);
        ASSERT_TRUE(send_all(fd.get(), get_request("/index.html", p)));
        std::string response = recv_http_response(fd.get());
        int status = http_status(response);
        ASSERT_TRUE(status == 200 || status == 503) << "connection " << i << ": " << response;
        if (status == 503) {
            EXPECT_EQ(http_body(response), refusal);
            EXPECT_NE(response.find("\r\nRetry-After: 1\r\n"), std::string::npos) << response;
            ++refused;
        }
        held.push_back(std::move(fd));
    }
    ASSERT_EQ(refused, 1) << "40 descriptors run out before 80 connections";
    // Every descriptor is taken: a held connection asking for the registry
    // still gets it, as the live set is in memory (no file to open).
    int registry_fd = held.front().get();
    ASSERT_TRUE(send_all(registry_fd, get_request("/api/registry", p)));
    std::string registry_answer = recv_http_response(registry_fd);
    EXPECT_EQ(http_status(registry_answer), 200) << registry_answer;
    EXPECT_EQ(http_body(registry_answer), "[]\n");
    // Room again: served again, once the server has seen the closes (it
    // answers 503 until then, never anything else).
    held.resize(held.size() / 2);
    int status = 0;
    for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
        status = http_status(http_get(p, "/api/registry"));
        ASSERT_TRUE(status == 200 || status == 503) << status;
    }
    EXPECT_EQ(status, 200);
    EXPECT_EQ(http_status(http_get(p, "/index.html")), 200);
}

// Finding 11: both servers judge an absolute-form target by its authority,
// and two Origin headers are refused.
TEST_F(HttpHardeningTest, AbsoluteFormTargetAndTwoOrigins) {
    start();
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "GET http://evil.com/ HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    std::string evil = recv_http_response(fd.get());
    EXPECT_EQ(http_status(evil), 403);
    EXPECT_EQ(http_body(evil), "403 Forbidden: Host 'evil.com' is not a loopback name\n");
    fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "GET http://localhost/index.html HTTP/1.1\r\nHost: evil.com\r\n\r\n"));
    EXPECT_EQ(http_status(recv_http_response(fd.get())), 200);

    fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "GET / HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\n"
                                   "Origin: http://evil.com\r\n\r\n"));
    std::string two = recv_http_response(fd.get());
    EXPECT_EQ(http_status(two), 400);
    EXPECT_EQ(http_body(two), "400 Bad Request: more than one Origin header\n");
}

// Finding 14: refusals are logged, with time, name and peer, escaped.
TEST_F(HttpHardeningTest, RefusalsAreLoggedEscapedWithThePeer) {
    start({"--verbose"});
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "GET / HTTP/1.1\r\nHost: evil\u202ecom\u009b[31m\r\n\r\n"));
    EXPECT_EQ(http_status(recv_http_response(fd.get())), 403);
    EXPECT_EQ(http_status(http_get(port(), "/.env")), 404);
    std::string log = stop();
    EXPECT_TRUE(has_client_line(log, "registry-http",
                                "refused: 403 Host 'evil\\u202ecom\\u009b[31m' is not a loopback name"))
        << log;
    EXPECT_TRUE(has_client_line(log, "registry-http", "refused: 404 /.env")) << log;
    EXPECT_TRUE(has_client_line(log, "registry-http", "connected")) << "--verbose: a line per connection\n" << log;
    EXPECT_EQ(log.find("\u202e"), std::string::npos) << "nothing raw";
}

TEST_F(HttpHardeningTest, WithoutVerboseNoConnectionLines) {
    start();
    EXPECT_EQ(http_status(http_get(port(), "/index.html")), 200);
    EXPECT_EQ(stop().find("connected"), std::string::npos);
}

// Finding 15: the preflight allows the headers a loopback page asks for.
TEST_F(HttpHardeningTest, PreflightAllowsTheHeadersALoopbackPageAsksFor) {
    start();
    const std::string asks = "Origin: http://localhost:5173\r\nAccess-Control-Request-Method: GET\r\n";
    std::string response = http_get(port(), "/api/registry",
                                    asks + "Access-Control-Request-Headers: authorization,if-none-match\r\n",
                                    "OPTIONS");
    EXPECT_EQ(without_date(response),
              "HTTP/1.1 204 No Content\r\n"
              "Connection: close\r\n"
              "Vary: Origin\r\n"
              "Access-Control-Allow-Origin: http://localhost:5173\r\n"
              "Allow: GET, HEAD, OPTIONS\r\n"
              "Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"
              "Access-Control-Allow-Headers: authorization, if-none-match\r\n"
              "Access-Control-Max-Age: 600\r\n\r\n");
    // Not tokens: nothing of it is echoed.
    std::string odd = http_get(port(), "/api/registry", asks + "Access-Control-Request-Headers: a b, x\r\n", "OPTIONS");
    EXPECT_NE(odd.find("\r\nAccess-Control-Allow-Headers: Content-Type\r\n"), std::string::npos) << odd;
    // A foreign page is not given its list either.
    std::string foreign = http_get(port(), "/api/registry",
                                   "Origin: http://evil.com\r\nAccess-Control-Request-Headers: authorization\r\n",
                                   "OPTIONS");
    EXPECT_NE(foreign.find("\r\nAccess-Control-Allow-Headers: Content-Type\r\n"), std::string::npos) << foreign;
    EXPECT_EQ(foreign.find("Access-Control-Allow-Origin"), std::string::npos) << foreign;
}

// Finding 15: a port in use (5173 is Vite's default too) says what to use instead.
TEST(HttpPortInUse, SaysWhichPortToUseInstead) {
    UniqueFd taken(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(taken.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(taken.get(), 1), 0);
    socklen_t length = sizeof addr;
    ::getsockname(taken.get(), reinterpret_cast<sockaddr*>(&addr), &length);
    const std::string p = std::to_string(ntohs(addr.sin_port));
    TempDir dir;
    ::mkdir(dir.file("web").c_str(), 0755);
    Process server(bin("registry-http"), {"--port", p, "--registry", dir.file("servers.json"), "--web", dir.file("web")});
    EXPECT_EQ(server.wait_exit(), 1);
    EXPECT_EQ(server.stderr_text(),
              "registry-http: bind(127.0.0.1:" + p + "): Address already in use; another program has port " + p +
                  ". Use another one: --port " + std::to_string(std::stoi(p) + 1) +
                  ", or --port 0 to let the system pick a free port\n");
}

}  // namespace
