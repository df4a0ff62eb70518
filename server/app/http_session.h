// One client of registry-http: HTTP/1.1 with keep-alive and pipelining, the
// live registry at /api/registry (and /registry) with its ETag, the watch
// socket at /api/registry/watch (the connection becomes a WatchSession after
// its upgrade), static files for everything else.
#pragma once

#include <cstdint>
#include <string>

#include <memory>

#include "app/live_registry.h"
#include "app/watch_session.h"
#include "http/request_parser.h"
#include "http/static_files.h"
#include "net/connection.h"
#include "websocket/handshake.h"

namespace app {

struct HttpConfig {
    http::Limits head_limits;
    int64_t request_timeout_ms = 10'000;  // from a request's first byte to its last header
    int64_t idle_timeout_ms = 60'000;     // keep-alive connection with no request
    bool allow_any_host = false;
    std::string listen_address;  // the --host listened on: accepted as Host too
    // The watch socket: ws-server's Host and Origin rules (loopback, and the
    // address and origin of this server itself), and its backlog limit.
    websocket::HandshakePolicy watch_policy;
    WatchConfig watch;
    std::string advertised_name; // --advertise: accepted as Host too
};

// What all connections share: configuration, the web root and the live registry.
struct HttpSite {
    HttpSite(HttpConfig c, http::StaticFiles f, LiveRegistry& l)
        : config(std::move(c)), files(std::move(f)), live(l) {}
    HttpConfig config;
    http::StaticFiles files;
    LiveRegistry& live;
    // "Date: <IMF-fixdate>\r\n" (RFC 9110 §6.6.1), formatted once a second.
    const std::string& date_header();

private:
    std::string date_header_;
    int64_t date_second_ = -1;
};

class HttpSession final : public net::Connection, public LiveWatcher {
public:
    // `refused`: the reason this connection is not served (app/owner_check.h),
    // answered with 403 to its first request; empty: served.
    HttpSession(net::Host& host, UniqueFd fd, HttpSite& site, std::string refused = {});
    ~HttpSession() override;

    // A message of the live registry, once this is a watcher: sent at once.
    void deliver(const std::string& message) noexcept override;

private:
    size_t on_input(std::span<uint8_t> input) noexcept override;
    void on_deadline() noexcept override;
    void on_shutdown() noexcept override;
    // A file is sent as the socket drains: the next chunk is read into the
    // output only when less than net::Connection::kOutputLowMark waits, so a
    // client that does not read costs a chunk or two, whatever the file size.
    void on_output_room() noexcept override;

    // Answers one complete request; false when the connection must close.
    bool respond(const http::Request& request) noexcept;
    void serve_registry(const http::Request& request, bool head, const std::string& common) noexcept;
    void serve_file(const http::Request& request, bool head, const std::string& common) noexcept;
    // The upgrade of /api/registry/watch; false when it was refused.
    bool serve_watch(const http::Request& request) noexcept;
    // An error answer, logged as a refusal; answer_error() is the same without the log line.
    void refuse(int status, std::string_view message, bool keep_alive, std::string_view extra = {}) noexcept;
    void answer_error(int status, std::string_view message, bool keep_alive, std::string_view extra = {}) noexcept;

    HttpSite& site_;
    std::string refused_;
    bool in_request_ = false;  // part of a request head has arrived
    bool head_ = false;        // the request being answered is a HEAD
    UniqueFd file_;            // the file being sent, while producing()
    uint64_t file_offset_ = 0;
    uint64_t file_left_ = 0;
    bool close_when_sent_ = false;  // the request said Connection: close
    std::unique_ptr<WatchSession> watch_;  // after the upgrade of /api/registry/watch
};

}  // namespace app
