// The client's logic in one place: follow the registry (Feed: watch socket,
// else polling), keep one Connection per listed server, fan messages out to
// the echo servers, and keep the view, the log and the live region in step.
// Every input is an event method with the current time, every output goes
// through Platform and View, so tests run it with fakes and a fake clock.
//
// Times passed in (now_ms) are monotonic milliseconds (performance.now() in
// the browser); Platform::wall_clock_ms() is used only for what is shown.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backoff.h"
#include "clock.h"
#include "connection.h"
#include "feed.h"
#include "log.h"
#include "options.h"
#include "platform.h"
#include "registry.h"
#include "view.h"

namespace client {

class App final : private FeedSink {
public:
    static constexpr const char* kRegistryPath = Feed::kRegistryPath;
    static constexpr double kConnectTimeoutMs = 10000;  // a handshake that hangs counts as a failure
    static constexpr size_t kLogCapacity = 500;
    static constexpr size_t kLogMessageBytes = 16384;  // longer messages are cut in the log only
    static constexpr double kAnnounceMs = 1000;       // the live region speaks at most this often

    // page_host: location.hostname, for entries without a usable url.
    // page_origin: location.origin ("http://127.0.0.1:5173"), for the watch socket.
    App(Platform& platform, View& view, Options options, std::string page_host,
        std::string page_origin = "http://localhost:5173");

    void start(double now_ms) noexcept;  // first registry fetch and watch socket
    void tick(double now_ms) noexcept;   // whatever is due: polls, retries, timeouts, announcements
    // When tick() next has work; +infinity when only an answer can bring news.
    double next_wakeup_ms() const noexcept;

    // GET /api/registry answered: 200 with its ETag header ("" if none), 304, or failed.
    void registry_loaded(std::string_view body, double now_ms, std::string_view etag = {}) noexcept;
    void registry_not_modified(double now_ms) noexcept;
    void registry_failed(std::string_view reason, double now_ms) noexcept;

    // Events of every socket: the servers' and the watch socket.
    void socket_opened(SocketId socket, double now_ms) noexcept;
    void socket_message(SocketId socket, std::string_view data, bool is_text, double now_ms) noexcept;
    void socket_closed(SocketId socket, uint16_t code, std::string_view reason, double now_ms) noexcept;

    // Sends to every connected echo server; returns how many it was sent to.
    size_t send(std::string_view message, double now_ms) noexcept;

    const std::vector<Connection>& servers() const { return servers_; }
    const Log& log() const { return log_; }
    const Feed& feed() const { return feed_; }
    bool registry_down() const { return feed_.status().unreachable; }

private:
    void feed_entries(const std::vector<ServerInfo>& servers, const std::vector<std::string>& problems,
                      double now_ms) override;
    void feed_log(LogKind kind, std::string text) override { add_log(kind, std::move(text)); }
    void feed_status() override;

    void apply_registry(const std::vector<ServerInfo>& fresh, double now_ms);
    void report_problems(const std::vector<std::string>& problems);
    void begin_attempt(Connection& connection, double now_ms);
    void handle_closed(Connection& connection, std::string problem, double now_ms);
    void drop(Connection& connection, std::string_view reason);  // closes its socket, if any
    Connection* find_by_socket(SocketId socket);
    void add_log(LogKind kind, std::string text, std::string_view server_id = {});
    void show_card(const Connection& connection, double now_ms);
    void show_counts();

    Platform& platform_;
    View& view_;
    Options options_;
    std::string page_host_;
    Feed feed_;
    Backoff backoff_;
    Log log_{kLogCapacity};
    std::vector<Connection> servers_;  // in the order they were found
    std::vector<std::string> last_problems_;
    LogTally unannounced_;          // log lines the live region has not summed up yet
    double last_announce_ms_ = -kAnnounceMs;
};

}  // namespace client
