// registry-http end to end: the real binary on port 0, real ws-servers
// writing the registry, requests over loopback sockets.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "harness.h"
#include "http/response.h"
#include "json/reader.h"

using namespace harness;

namespace {

class RegistryHttpTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::mkdir(web_dir().c_str(), 0755);
        write_file(web_dir() + "/index.html", "<!doctype html><title>peer-plan</title>\n");
        write_file(web_dir() + "/client.wasm", std::string("\0asm\1\0\0\0", 8));
        write_file(web_dir() + "/client.js", "console.log(1);\n");
        write_file(dir_.file("secret.txt"), "TOP SECRET\n");
        http_ = std::make_unique<HttpServer>(start_registry_http(registry(), web_dir()));
        ASSERT_NE(http_->port, 0) << http_->process.stderr_text();
    }
    std::string registry() const { return dir_.file("servers.json"); }
    std::string web_dir() const { return dir_.file("web"); }
    uint16_t port() const { return http_->port; }

    // The ids in the /api/registry answer, in order.
    std::vector<std::string> served_ids() {
        std::string response = http_get(port(), "/api/registry");
        EXPECT_EQ(http_status(response), 200) << response;
        auto doc = json::parse(http_body(response));
        EXPECT_TRUE(doc.ok()) << response;
        std::vector<std::string> ids;
        if (doc.ok() && doc.value().is_array())
            for (const json::Value& entry : doc.value().as_array()) ids.push_back(entry.find("id")->as_string());
        return ids;
    }

    TempDir dir_;
    std::unique_ptr<HttpServer> http_;
};

TEST_F(RegistryHttpTest, MissingFileIsAnEmptyArray) {
    std::string response = http_get(port(), "/api/registry");
    EXPECT_EQ(http_status(response), 200);
    EXPECT_EQ(http_body(response), "[]\n");
    EXPECT_EQ(http_header(response, "Content-Type"), "application/json");
    EXPECT_EQ(http_header(response, "Cache-Control"), "no-store");
    // Date (RFC 9110 §6.6.1): an IMF-fixdate, as http_date writes it.
    const std::string date = http_header(response, "Date").value_or("");
    int64_t date_seconds = 0;
    ASSERT_TRUE(http::parse_http_date(date, date_seconds)) << response;
    EXPECT_EQ(http::http_date(date_seconds), date);
    EXPECT_EQ(::access(registry().c_str(), F_OK), -1) << "registry-http must never write the file";
}

TEST_F(RegistryHttpTest, ServesLiveServersAsTheyStartAndStop) {
    WsServer a = start_ws_server(registry()), b = start_ws_server(registry());
    ASSERT_NE(a.port, 0);
    ASSERT_NE(b.port, 0);
    EXPECT_EQ(served_ids(), (std::vector<std::string>{a.id, b.id}));
    // Both paths serve the same set. The health probes change it (at most
    // twice per server: refused while it was not yet listening, then live),
    // so a pair of answers may straddle a change; five pairs cannot all.
    std::string old_path, new_path;
    for (int pair = 0; pair < 5 && (old_path.empty() || old_path != new_path); ++pair) {
        old_path = http_body(http_get(port(), "/registry"));
        new_path = http_body(http_get(port(), "/api/registry"));
    }
    EXPECT_EQ(old_path, new_path);
    a.process.signal(SIGTERM);
    ASSERT_EQ(a.process.wait_exit(), 0);
    EXPECT_EQ(served_ids(), (std::vector<std::string>{b.id}));
}

TEST_F(RegistryHttpTest, DeadEntriesAreLeftOut) {
    WsServer live = start_ws_server(registry());
    WsServer dead = start_ws_server(registry());
    dead.process.signal(SIGKILL);
    dead.process.wait_exit();
    EXPECT_EQ(served_ids(), (std::vector<std::string>{live.id}));
    // A pid that exists but started after the entry was written (pid reuse).
    write_file(registry(), "{\"servers\": [{\"id\": \"reused\", \"port\": 1, \"url\": \"ws://localhost:1\", \"pid\": " +
                               std::to_string(::getpid()) + ", \"startedAt\": \"2001-01-01T00:00:00.000Z\"}]}");
    EXPECT_TRUE(served_ids().empty());
}

TEST_F(RegistryHttpTest, UnknownFieldsArePassedThrough) {
    WsServer live = start_ws_server(registry());
    std::string text = read_file(registry());
    text.replace(text.find("\"id\""), 4, "\"project\": \"demo \\u00e9\", \"id\"");
    write_file(registry(), text);
    std::string body = http_body(http_get(port(), "/api/registry"));
    auto doc = json::parse(body);
    ASSERT_TRUE(doc.ok()) << body;
    ASSERT_EQ(doc.value().as_array().size(), 1u) << body;
    const json::Value* project = doc.value().as_array()[0].find("project");
    ASSERT_NE(project, nullptr) << body;
    EXPECT_EQ(project->as_string(), "demo \xc3\xa9") << body;
}

TEST_F(RegistryHttpTest, CorruptFileIs500WithLineAndColumn) {
    write_file(registry(), "{\n  \"servers\": [\n    {\"port\": 1,}\n  ]\n}\n");
    std::string response = http_get(port(), "/api/registry");
    EXPECT_EQ(http_status(response), 500);
    auto doc = json::parse(http_body(response));
    ASSERT_TRUE(doc.ok()) << response;
    std::string error = doc.value().find("error")->as_string();
    EXPECT_EQ(error, registry() + " line 3, column 15: trailing comma before '}'");
    EXPECT_EQ(read_file(registry()), "{\n  \"servers\": [\n    {\"port\": 1,}\n  ]\n}\n");  // untouched
}

TEST_F(RegistryHttpTest, EveryChangeOfTheFileShowsInTheNextResponse) {
    for (int i = 0; i < 20; ++i) {
        std::string id = "entry-" + std::to_string(i);
        write_file(registry(), "{\"servers\": [{\"id\": \"" + id + "\", \"port\": 1, \"pid\": " +
                                   std::to_string(::getpid()) + ", \"startedAt\": \"2100-01-01T00:00:00.000Z\"}]}");
        EXPECT_EQ(served_ids(), (std::vector<std::string>{id}));
    }
}

TEST_F(RegistryHttpTest, PipelinedRequestsAnswerInOrder) {
    UniqueFd fd = connect_to(port());
    std::string one = "GET /api/registry HTTP/1.1\r\nHost: localhost\r\n\r\n";
    std::string two = "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n";
    std::string three = "HEAD /client.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    ASSERT_TRUE(send_all(fd.get(), one + two + three));
    std::string r1 = recv_http_response(fd.get()), r2 = recv_http_response(fd.get());
    EXPECT_EQ(http_body(r1), "[]\n");
    EXPECT_EQ(http_body(r2), "<!doctype html><title>peer-plan</title>\n");
    std::string r3 = recv_exact(fd.get(), 1 << 16, 2000);
    EXPECT_EQ(http_status(r3), 200);
    EXPECT_EQ(http_header(r3, "Content-Length"), "16") << r3;
    EXPECT_EQ(http_body(r3), "") << "HEAD has no body";
    EXPECT_TRUE(wait_closed(fd.get()));
}

TEST_F(RegistryHttpTest, PipelinedRequestsWaitForTheClientToRead) {
    // 200 requests for a 64 KiB file ask for 12.5 MiB, three times the output
    // cap: the server must stop handling requests, then resume as we read.
    std::string big(64 * 1024, 'w');
    write_file(web_dir() + "/big.txt", big);
    std::string request = "GET /big.txt HTTP/1.1\r\nHost: localhost\r\n\r\n";
    std::string all;
    for (int i = 0; i < 200; ++i) all += request;
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), all));
    for (int i = 0; i < 200; ++i) {
        std::string response = recv_http_response(fd.get());
        ASSERT_EQ(http_status(response), 200) << i;
        ASSERT_EQ(http_body(response).size(), big.size()) << i;
    }
}

TEST_F(RegistryHttpTest, ErrorAfterAHeadRequestKeepsItsBody) {
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\nBROKEN\r\n\r\n"));
    std::string all = recv_exact(fd.get(), 1 << 16, 2000);
    size_t second = all.find("HTTP/1.1 400");
    ASSERT_NE(second, std::string::npos) << all;
    EXPECT_EQ(http_body(all.substr(second)), "400 Bad Request: request line is not 'method target version'\n");
}

TEST_F(RegistryHttpTest, PostWithABodyIs405AndCloses) {
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "POST /api/registry HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}"));
    std::string response = recv_http_response(fd.get());
    EXPECT_EQ(http_status(response), 405);
    EXPECT_EQ(http_header(response, "Allow"), "GET, HEAD, OPTIONS") << response;
    EXPECT_TRUE(wait_closed(fd.get()));
}

TEST_F(RegistryHttpTest, AThousandRequestsOnOneConnection) {
    UniqueFd fd = connect_to(port());
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(send_all(fd.get(), "GET /api/registry HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        std::string response = recv_http_response(fd.get());
        ASSERT_EQ(http_status(response), 200) << i;
        ASSERT_EQ(http_body(response), "[]\n") << i;
    }
}

TEST_F(RegistryHttpTest, Http10ClosesUnlessAskedToKeepAlive) {
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "GET /api/registry HTTP/1.0\r\n\r\n"));
    EXPECT_EQ(http_status(recv_http_response(fd.get())), 200);
    EXPECT_TRUE(wait_closed(fd.get()));
    UniqueFd kept = connect_to(port());
    ASSERT_TRUE(send_all(kept.get(), "GET /api/registry HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    std::string response = recv_http_response(kept.get());
    EXPECT_EQ(http_header(response, "Connection"), "keep-alive") << response;
    ASSERT_TRUE(send_all(kept.get(), "GET /api/registry HTTP/1.0\r\n\r\n"));
    EXPECT_EQ(http_status(recv_http_response(kept.get())), 200);
}

TEST_F(RegistryHttpTest, CorsOnlyForLoopbackOrigins) {
    std::string local = http_get(port(), "/api/registry", "Origin: http://localhost:3000\r\n");
    EXPECT_EQ(http_header(local, "Access-Control-Allow-Origin"), "http://localhost:3000") << local;
    std::string foreign = http_get(port(), "/api/registry", "Origin: https://evil.example\r\n");
    EXPECT_EQ(http_status(foreign), 200);
    EXPECT_EQ(http_header(foreign, "Access-Control-Allow-Origin"), std::nullopt) << foreign;
}

TEST_F(RegistryHttpTest, OptionsPreflight) {
    std::string response = http_get(port(), "/api/registry",
                                    "Origin: http://127.0.0.1:8080\r\nAccess-Control-Request-Method: GET\r\n",
                                    "OPTIONS");
    EXPECT_EQ(http_status(response), 204) << response;
    EXPECT_EQ(http_header(response, "Access-Control-Allow-Origin"), "http://127.0.0.1:8080") << response;
    EXPECT_EQ(http_header(response, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS") << response;
}

TEST_F(RegistryHttpTest, StatusCodesWithReasons) {
    struct Case {
        const char* name;
        std::string response;
        int status;
        const char* body;
    };
    const Case cases[] = {
        {"other method", http_get(port(), "/api/registry", "", "DELETE"), 405,
         "405 Method Not Allowed: method DELETE is not allowed\n"},
        {"missing file", http_get(port(), "/app.jss"), 404, "404 Not Found: /app.jss\n"},
        {"dot-dot", http_get(port(), "/../secret.txt"), 400, nullptr},
        {"encoded dot-dot", http_get(port(), "/%2e%2e/secret.txt"), 400, nullptr},
        {"encoded slash", http_get(port(), "/..%2fsecret.txt"), 400, nullptr},
        {"foreign host", http_get(port(), "/api/registry", "Host: rebind.example\r\n"), 400, nullptr},
        {"body", http_get(port(), "/api/registry", "Content-Length: 5\r\n"), 413,
         "413 Content Too Large: request bodies are not accepted\n"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(http_status(c.response), c.status) << c.name << "\n" << c.response;
        if (c.body) {
            EXPECT_EQ(http_body(c.response), c.body) << c.name;
        }
        EXPECT_EQ(c.response.find("TOP SECRET\n"), std::string::npos) << c.name;
    }
}

TEST_F(RegistryHttpTest, ForeignHostIs403) {
    UniqueFd fd = connect_to(port());
    ASSERT_TRUE(send_all(fd.get(), "GET /api/registry HTTP/1.1\r\nHost: attacker.example:5173\r\n\r\n"));
    std::string response = recv_http_response(fd.get());
    EXPECT_EQ(http_status(response), 403);
    EXPECT_EQ(http_body(response), "403 Forbidden: Host 'attacker.example:5173' is not a loopback name\n");
}

TEST_F(RegistryHttpTest, SymlinkOutOfTheRootIsRefused) {
    ASSERT_EQ(::symlink(dir_.file("secret.txt").c_str(), (web_dir() + "/leak.txt").c_str()), 0);
    std::string response = http_get(port(), "/leak.txt");
    EXPECT_EQ(http_status(response), 403) << response;
    EXPECT_EQ(response.find("TOP SECRET\n"), std::string::npos);
}

TEST_F(RegistryHttpTest, OversizeHeadersAre431) {
    std::string response =
        http_get(port(), "/api/registry", "X-Big: " + std::string(20000, 'b') + "\r\n");
    EXPECT_EQ(http_status(response), 431) << response.substr(0, 200);
    std::string long_target = http_get(port(), "/" + std::string(9000, 'a'));
    EXPECT_EQ(http_status(long_target), 414);
}

TEST_F(RegistryHttpTest, StaticFilesHaveTypesAndRevalidate) {
    std::string wasm = http_get(port(), "/client.wasm");
    EXPECT_EQ(http_status(wasm), 200);
    EXPECT_EQ(http_header(wasm, "Content-Type"), "application/wasm");
    EXPECT_EQ(http_body(wasm), std::string("\0asm\1\0\0\0", 8));
    std::string index = http_get(port(), "/");
    EXPECT_EQ(http_header(index, "Content-Type"), "text/html; charset=utf-8");
    ASSERT_TRUE(http_header(index, "ETag")) << index;
    std::string etag = *http_header(index, "ETag");
    std::string again = http_get(port(), "/", "If-None-Match: " + etag + "\r\n");
    EXPECT_EQ(http_status(again), 304) << again;
    EXPECT_EQ(http_body(again), "");
}

TEST_F(RegistryHttpTest, SlowClientTimesOutWith408) {
    HttpServer quick = start_registry_http(registry(), web_dir(), {"--request-timeout", "50ms"});
    UniqueFd fd = connect_to(quick.port);
    ASSERT_TRUE(send_all(fd.get(), "GET /api/registry HTTP/1.1\r\nHost: loc"));
    std::string response = recv_http_response(fd.get());
    EXPECT_EQ(http_status(response), 408) << response;
    EXPECT_TRUE(wait_closed(fd.get()));
    EXPECT_EQ(http_status(http_get(quick.port, "/api/registry")), 200);
}

TEST(RegistryHttpCommandLine, BadFlagAndMissingWebDir) {
    Process bad(bin("registry-http"), {"--idle-timeout", "soon"});
    EXPECT_EQ(bad.wait_exit(), 2);
    const std::string bad_err = bad.stderr_text();
    EXPECT_EQ(lines_of(bad_err).at(0), "registry-http: --idle-timeout: 'soon' is not a duration") << bad_err;
    Process missing(bin("registry-http"), {"--port", "0", "--web", "/nonexistent/web"});
    EXPECT_EQ(missing.wait_exit(), 1);
    const std::string missing_err = missing.stderr_text();
    EXPECT_TRUE(has_line(missing_err,
                         "registry-http: --web /nonexistent/web: web root /nonexistent/web: No such file or directory"))
        << missing_err;
}

}  // namespace
