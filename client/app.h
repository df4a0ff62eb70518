// The client's logic in one place: poll the registry, keep one Connection
// per listed server, fan messages out, and keep the view and the log in step.
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
#include "connection.h"
#include "log.h"
#include "options.h"
#include "platform.h"
#include "registry.h"
#include "view.h"

namespace client {

class App {
public:
    static constexpr const char* kRegistryPath = "/api/registry";
    static constexpr double kConnectTimeoutMs = 10000;  // a handshake that hangs counts as a failure
    static constexpr size_t kLogCapacity = 500;
    static constexpr size_t kLogMessageBytes = 2000;  // longer messages are cut in the log only

    // page_host: location.host's name part, for entries without a usable url.
    App(Platform& platform, View& view, Options options, std::string page_host);

    void start(double now_ms) noexcept;  // first registry fetch
    void tick(double now_ms) noexcept;   // whatever is due: refresh, retries, connect timeouts
    // When tick() next has work; +infinity when only an answer can bring news.
    double next_wakeup_ms() const noexcept;

    void registry_loaded(std::string_view body, double now_ms) noexcept;
    void registry_failed(std::string_view reason, double now_ms) noexcept;

    void socket_opened(SocketId socket, double now_ms) noexcept;
    void socket_message(SocketId socket, std::string_view data, bool is_text, double now_ms) noexcept;
    void socket_closed(SocketId socket, uint16_t code, std::string_view reason, double now_ms) noexcept;

    // Sends to every connected server; returns how many it was sent to.
    size_t send(std::string_view message, double now_ms) noexcept;

    const std::vector<Connection>& servers() const { return servers_; }
    const Log& log() const { return log_; }
    bool registry_down() const { return registry_down_; }

private:
    void begin_fetch(double now_ms);
    void apply_registry(const Registry& registry, double now_ms);
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
    Backoff backoff_;
    Log log_{kLogCapacity};
    std::vector<Connection> servers_;  // in the order they were found
    bool fetch_in_flight_ = false;
    double fetch_started_ms_ = 0;
    double next_fetch_ms_ = 0;
    bool loaded_ = false;         // a registry answer has arrived at least once
    bool registry_down_ = false;  // the last fetch failed
    std::vector<std::string> last_problems_;
};

// "5 s", "1.5 s", "250 ms": the refresh interval as the page states it.
std::string format_interval(int ms);

}  // namespace client
