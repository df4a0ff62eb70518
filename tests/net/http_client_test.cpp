// net::HttpClient against a scripted server on 127.0.0.1, both driven by one
// event loop in this thread. No sleeps: each test runs the loop until the
// client reports, bounded by a guard timer.
#include "net/http_client.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "net/listener.h"

namespace net {
namespace {

// One answer: its pieces are sent one per loop tick (so the client reads
// them apart), then the connection is closed if `close_after`. No pieces and
// no close: the server reads the request and stays silent.
struct Answer {
    std::vector<std::string> pieces;
    bool close_after = false;
};

class ScriptedServer final : public loop::Handler {
public:
    ScriptedServer(loop::EventLoop& loop, std::vector<Answer> answers, const std::string& host = "127.0.0.1")
        : loop_(loop), answers_(std::move(answers)) {
        auto listener = Listener::bind(host, 0);
        if (!listener.ok()) return;
        listener_.emplace(std::move(listener.value()));
        EXPECT_TRUE(loop_.watch(listener_->fd(), loop::kReadable, this).ok());
        loop_.every(1, [this] { send_one_piece_each(); });
    }
    ~ScriptedServer() {
        for (auto& [fd, peer] : peers_) loop_.forget(fd);
        if (listener_) loop_.forget(listener_->fd());
    }
    // Closes every accepted connection now, as a server whose idle timeout fired.
    void close_all() {
        while (!peers_.empty()) drop(peers_.begin()->first);
    }
    // Resets every accepted connection now (SO_LINGER 0: an RST, no FIN), so
    // the client's next send on one fails at once.
    void reset_all() {
        for (auto& [fd, peer] : peers_) {
            linger abort{1, 0};
            EXPECT_EQ(::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort), 0);
        }
        close_all();
    }
    bool listening() const { return listener_.has_value(); }
    uint16_t port() const { return listener_->port(); }
    int accepts() const { return accepts_; }
    const std::vector<std::string>& requests() const { return requests_; }

    void on_event(const loop::Event& event) noexcept override {
        if (listener_ && event.fd == listener_->fd()) {
            std::string error;
            for (UniqueFd fd = listener_->accept(&error); fd; fd = listener_->accept(&error)) {
                ++accepts_;
                int number = fd.get();
                EXPECT_TRUE(loop_.watch(number, loop::kReadable, this).ok());
                peers_[number].fd = std::move(fd);
            }
            return;
        }
        auto it = peers_.find(event.fd);
        if (it == peers_.end()) return;
        Peer& peer = it->second;
        char bytes[4096];
        ssize_t n = ::recv(event.fd, bytes, sizeof bytes, 0);
        if (n <= 0) return drop(event.fd);
        peer.input.append(bytes, static_cast<size_t>(n));
        // One request is its head plus Content-Length bytes.
        size_t head_end = peer.input.find("\r\n\r\n");
        while (head_end != std::string::npos) {
            size_t length = 0, at = peer.input.find("Content-Length: ");
            if (at != std::string::npos && at < head_end) length = std::stoul(peer.input.substr(at + 16));
            if (peer.input.size() < head_end + 4 + length) break;
            requests_.push_back(peer.input.substr(0, head_end + 4 + length));
            peer.input.erase(0, head_end + 4 + length);
            if (next_answer_ < answers_.size()) {
                const Answer& answer = answers_[next_answer_++];
                peer.pieces.insert(peer.pieces.end(), answer.pieces.begin(), answer.pieces.end());
                peer.close_after = answer.close_after;
            }
            head_end = peer.input.find("\r\n\r\n");
        }
    }

private:
    struct Peer {
        UniqueFd fd;
        std::string input;
        std::deque<std::string> pieces;
        bool close_after = false;
    };
    void drop(int fd) {
        loop_.forget(fd);
        peers_.erase(fd);
    }
    void send_one_piece_each() {
        std::vector<int> closing;
        for (auto& [fd, peer] : peers_) {
            if (!peer.pieces.empty()) {
                const std::string& piece = peer.pieces.front();
                EXPECT_EQ(::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL), static_cast<ssize_t>(piece.size()));
                peer.pieces.pop_front();
            } else if (peer.close_after) {
                closing.push_back(fd);
            }
        }
        for (int fd : closing) drop(fd);
    }

    loop::EventLoop& loop_;
    std::optional<Listener> listener_;
    std::vector<Answer> answers_;
    size_t next_answer_ = 0;
    std::map<int, Peer> peers_;
    int accepts_ = 0;
    std::vector<std::string> requests_;
};

// Records what the client reports and stops the loop on done or error.
struct Recorder final : HttpResponseHandler {
    explicit Recorder(loop::EventLoop& l) : loop(l) {}
    void on_head(const http::Response& head) noexcept override {
        status = head.status;
        keep_alive = head.keep_alive;
    }
    void on_body(std::string_view piece) noexcept override {
        body += piece;
        ++pieces;
    }
    void on_done() noexcept override {
        done = true;
        if (then) then(); else loop.stop();
    }
    void on_error(const Error& e) noexcept override {
        error = e.message;
        if (inside != nullptr && *inside) error_inside = true;
        loop.stop();
    }
    loop::EventLoop& loop;
    const bool* inside = nullptr;  // set around a request() call: an error then came from inside it
    bool error_inside = false;
    std::function<void()> then;  // instead of stopping after the first on_done
    int status = 0;
    bool keep_alive = false;
    std::string body, error;
    int pieces = 0;
    bool done = false;
};

HttpRequest get(std::string target = "/", bool stream = false) {
    HttpRequest request;
    request.target = std::move(target);
    request.stream = stream;
    return request;
}

HttpRequest with_header(std::string name, std::string value) {
    HttpRequest request;
    request.headers.emplace_back(std::move(name), std::move(value));
    return request;
}

HttpClientOptions timeouts(int64_t response_ms) {
    HttpClientOptions options;
    options.response_timeout_ms = response_ms;
    return options;
}

struct ClientTest : ::testing::Test {
    void SetUp() override {
        auto created = loop::EventLoop::create();
        ASSERT_TRUE(created.ok());
        loop.emplace(std::move(created.value()));
        // A bound on every test, not a timing assert.
        loop->every(10'000, [this] {
            ADD_FAILURE() << "the client reported nothing in 10 s";
            loop->stop();
        });
    }
    void run() { ASSERT_TRUE(loop->run().ok()); }
    std::string where(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }
    std::optional<loop::EventLoop> loop;
};

TEST_F(ClientTest, ContentLengthAnswer) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder got(*loop);
    ASSERT_TRUE(client.request(get("/healthz"), got).ok());
    run();
    EXPECT_EQ(got.error, "");
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, "hello");
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0], "GET /healthz HTTP/1.1\r\nHost: " + where(server.port()) + "\r\n\r\n");
    EXPECT_TRUE(client.connected());  // kept for the next request
}

TEST_F(ClientTest, ChunkedAnswerCutInOddPlaces) {
    // Two JSON lines in chunks that cut them, the pieces cutting the framing.
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nTransfer-", "Encoding: chunked\r\n\r", "\n5\r", "\n{\"a\"",
                                    ":\r\n9", "\r\n1}\n{\"b\":[\r", "\nd;ext", "\r\n1,2]}\n{\"c",
                                    "\":3}\r\n1\r\n\n\r\n0\r\n", "\r\n"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder got(*loop);
    ASSERT_TRUE(client.request(get("/v3/watch"), got).ok());
    run();
    EXPECT_EQ(got.error, "");
    EXPECT_EQ(got.body, "{\"a\":1}\n{\"b\":[1,2]}\n{\"c\":3}\n");
    http::LineSplitter splitter;
    std::vector<std::string> lines;
    EXPECT_TRUE(splitter.feed(got.body, [&](std::string_view line) { lines.emplace_back(line); }));
    EXPECT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":[1,2]}", "{\"c\":3}"}));
}

TEST_F(ClientTest, KeepAliveReusesOneConnection) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}},
                                  {{"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nokay"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder first(*loop), second(*loop);
    HttpRequest post = with_header("Authorization", "tok");
    post.method = "POST";
    post.target = "/v3/kv/range";
    post.body = "{}";
    first.then = [&] { EXPECT_TRUE(client.request(post, second).ok()); };
    ASSERT_TRUE(client.request(HttpRequest{}, first).ok());
    run();
    EXPECT_EQ(first.body, "ok");
    EXPECT_EQ(second.error, "");
    EXPECT_EQ(second.body, "okay");
    EXPECT_EQ(server.accepts(), 1);
    ASSERT_EQ(server.requests().size(), 2u);
    EXPECT_EQ(server.requests()[1], "POST /v3/kv/range HTTP/1.1\r\nHost: " + where(server.port()) +
                                        "\r\nAuthorization: tok\r\nContent-Length: 2\r\n\r\n{}");
}

TEST_F(ClientTest, ConnectionClosedByTheServerIsNotReused) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na"}, true},
                                  {{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder first(*loop), second(*loop);
    first.then = [&] { EXPECT_TRUE(client.request(HttpRequest{}, second).ok()); };
    ASSERT_TRUE(client.request(HttpRequest{}, first).ok());
    run();
    EXPECT_FALSE(first.keep_alive);
    EXPECT_EQ(second.body, "b");
    EXPECT_EQ(server.accepts(), 2);
}

// The server closed the kept-alive connection, but the client has not seen
// it yet when the next request goes out on it: a GET is sent again on a new
// connection, a POST is not (RFC 9112 §9.3.1).
TEST_F(ClientTest, IdempotentRequestIsRetriedWhenTheKeptConnectionWasClosed) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"}},
                                  {{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder first(*loop), second(*loop);
    first.then = [&] {
        server.close_all();
        EXPECT_TRUE(client.request(HttpRequest{}, second).ok());
    };
    ASSERT_TRUE(client.request(HttpRequest{}, first).ok());
    run();
    EXPECT_EQ(second.error, "");
    EXPECT_EQ(second.body, "b");
    EXPECT_EQ(server.accepts(), 2);
}

TEST_F(ClientTest, PostIsNotRetriedWhenTheKeptConnectionWasClosed) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder first(*loop), second(*loop);
    HttpRequest post;
    post.method = "POST";
    first.then = [&] {
        server.close_all();
        EXPECT_TRUE(client.request(post, second).ok());
    };
    ASSERT_TRUE(client.request(HttpRequest{}, first).ok());
    run();
    EXPECT_EQ(second.error, where(server.port()) + ": connection closed before the response");
    EXPECT_EQ(server.accepts(), 1);
}

// A kept-alive connection found dead by request() itself (the server reset
// it; a POST may not be sent again): the error comes from the loop after
// request() returned, never from inside it, where the caller's state is
// half made. Failed before the fix: on_error ran inside request().
TEST_F(ClientTest, AnErrorFoundInsideRequestIsReportedAfterItReturned) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder first(*loop), second(*loop);
    bool inside = false;
    second.inside = &inside;
    HttpRequest post;
    post.method = "POST";
    first.then = [&] {
        server.reset_all();
        inside = true;
        EXPECT_TRUE(client.request(post, second).ok());
        inside = false;
        EXPECT_TRUE(client.busy());  // the request is in flight until its error is told
        EXPECT_EQ(second.error, "");
    };
    ASSERT_TRUE(client.request(HttpRequest{}, first).ok());
    run();
    EXPECT_FALSE(second.error_inside);
    EXPECT_EQ(second.error, where(server.port()) + ": send: Connection reset by peer");
    EXPECT_FALSE(client.busy());
    EXPECT_FALSE(client.connected());
    EXPECT_EQ(server.accepts(), 1);
}

TEST_F(ClientTest, RefusedPort) {
    uint16_t port;
    {
        auto listener = Listener::bind("127.0.0.1", 0);
        ASSERT_TRUE(listener.ok());
        port = listener.value().port();
    }  // closed: nothing listens there now
    HttpClient client(*loop, "127.0.0.1", port);
    Recorder got(*loop);
    ASSERT_TRUE(client.request(HttpRequest{}, got).ok());
    run();
    EXPECT_EQ(got.error, where(port) + ": connection refused");
}

TEST_F(ClientTest, ConnectTimeout) {
    // A listener with a backlog of 0 that never accepts: one connection fills
    // its queue, and Linux drops the SYNs of the next, which then hangs in
    // connect.
    auto listener = Listener::bind("127.0.0.1", 0, 0);
    ASSERT_TRUE(listener.ok());
    uint16_t port = listener.value().port();
    UniqueFd filler(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(filler.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    HttpClientOptions options;
    options.connect_timeout_ms = 30;
    HttpClient client(*loop, "127.0.0.1", port, options);
    Recorder got(*loop);
    ASSERT_TRUE(client.request(HttpRequest{}, got).ok());
    run();
    EXPECT_EQ(got.error, where(port) + ": no connection within 30 ms");
}

TEST_F(ClientTest, ServerThatNeverAnswersTimesOut) {
    ScriptedServer server(*loop, {{}});
    HttpClient client(*loop, "127.0.0.1", server.port(), timeouts(40));
    Recorder got(*loop);
    ASSERT_TRUE(client.request(HttpRequest{}, got).ok());
    run();
    EXPECT_EQ(got.error, where(server.port()) + ": no response within 40 ms");
    EXPECT_EQ(server.requests().size(), 1u);
    EXPECT_FALSE(client.connected());
}

TEST_F(ClientTest, ServerClosingMidBody) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel"}, true}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder got(*loop);
    ASSERT_TRUE(client.request(HttpRequest{}, got).ok());
    run();
    EXPECT_EQ(got.body, "hel");
    EXPECT_EQ(got.error, where(server.port()) + ": connection closed before the end of the body (Content-Length)");
}

TEST_F(ClientTest, ServerClosingBeforeAnswering) {
    ScriptedServer server(*loop, {{{}, true}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder got(*loop);
    ASSERT_TRUE(client.request(HttpRequest{}, got).ok());
    run();
    EXPECT_EQ(got.error, where(server.port()) + ": connection closed before the response");
}

TEST_F(ClientTest, BadResponseNamesTheRule) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 2000 OK\r\n\r\n"}}});
    HttpClient client(*loop, "127.0.0.1", server.port());
    Recorder got(*loop);
    ASSERT_TRUE(client.request(HttpRequest{}, got).ok());
    run();
    EXPECT_EQ(got.error, where(server.port()) + ": bad response: status code is not three digits");
}

TEST_F(ClientTest, StreamRequestOutlivesTheResponseTimeoutAfterItsHead) {
    // The head comes at once; the body's end only after several timeouts' worth of ticks.
    std::vector<std::string> pieces = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"};
    for (int i = 0; i < 200; ++i) pieces.push_back("");
    pieces.push_back("2\r\n{}\r\n0\r\n\r\n");
    ScriptedServer server(*loop, {{pieces}});
    HttpClient client(*loop, "127.0.0.1", server.port(), timeouts(20));
    Recorder got(*loop);
    ASSERT_TRUE(client.request(get("/", true), got).ok());
    run();
    EXPECT_EQ(got.error, "");
    EXPECT_EQ(got.body, "{}");
}

TEST_F(ClientTest, Ipv6Literal) {
    ScriptedServer server(*loop, {{{"HTTP/1.1 204 No Content\r\n\r\n"}}}, "::1");
    if (!server.listening()) GTEST_SKIP() << "no IPv6 loopback here";
    HttpClient client(*loop, "::1", server.port());
    EXPECT_EQ(client.endpoint(), "[::1]:" + std::to_string(server.port()));
    Recorder got(*loop);
    ASSERT_TRUE(client.request(HttpRequest{}, got).ok());
    run();
    EXPECT_EQ(got.status, 204);
    EXPECT_EQ(server.requests()[0], "GET / HTTP/1.1\r\nHost: [::1]:" + std::to_string(server.port()) + "\r\n\r\n");
}

TEST_F(ClientTest, RefusedAtOnce) {
    HttpClient client(*loop, "localhost", 80);
    Recorder got(*loop);
    Status st = client.request(HttpRequest{}, got);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, "localhost:80: not a numeric IPv4 or IPv6 address");
    HttpClient numeric(*loop, "127.0.0.1", 80);
    st = numeric.request(with_header("X", "a\r\nb"), got);
    EXPECT_EQ(st.error().message, "127.0.0.1:80: header 'X' has a line break in its value");
    st = numeric.request(with_header("Host", "x"), got);
    EXPECT_EQ(st.error().message, "127.0.0.1:80: header 'Host' cannot be sent");
}

}  // namespace
}  // namespace net
