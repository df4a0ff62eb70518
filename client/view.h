// What the page shows, as an interface the App drives. browser.cpp turns each
// call into DOM changes (textContent only, never HTML, so server ids and
// messages cannot inject markup); tests record the calls.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "connection.h"
#include "log.h"

namespace client {

// Everything one .server-card shows, already formatted.
struct CardModel {
    std::string id;            // data-id
    std::string status;        // data-status: "connecting", "connected", "disconnected"
    std::string status_label;  // "Connected"
    std::string port;
    std::string pid;      // "-" when the entry has none
    std::string url;      // where the page connects
    std::string started;  // "2026-01-03 18:42:03", local time, or "-"
    std::string detail;   // one line on the connection's history

    bool operator==(const CardModel&) const = default;
};

class View {
public:
    virtual ~View() = default;

    virtual void show_count(size_t servers, std::string_view text) = 0;             // #server-count
    virtual void show_summary(std::string_view text) = 0;                           // under the count
    virtual void show_registry(std::string_view state, std::string_view text) = 0;  // loading|ok|error
    virtual void upsert_card(const CardModel& card) = 0;                            // new cards go last
    virtual void remove_card(std::string_view id) = 0;
    virtual void append_log(const LogEntry& entry, std::string_view clock) = 0;
    virtual void trim_log(size_t keep) = 0;  // drop the oldest lines beyond `keep`
};

// "Looking for servers…" before the first answer, then "Found 1 server",
// "Found 3 servers", "Found 0 servers".
std::string count_text(size_t servers, bool loaded);
// "2 connected · 1 connecting · 1 disconnected", omitting zero counts
// except connected; empty when there are no servers.
std::string summary_text(size_t connected, size_t connecting, size_t disconnected);

struct CardContext {
    std::string url;     // socket_url() of the server
    double now_ms = 0;   // same clock as the Connection's times
    double wall_ms = 0;  // Unix time at now_ms
    int utc_offset_minutes = 0;
};
CardModel make_card(const Connection& connection, const CardContext& context);

}  // namespace client
