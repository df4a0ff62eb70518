// What the page shows, as an interface the App drives. browser.cpp turns each
// call into DOM changes (textContent only, never HTML, so server ids and
// messages cannot inject markup); tests record the calls.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "connection.h"
#include "feed.h"
#include "log.h"

namespace client {

// Everything one .server-card shows, already formatted.
struct CardModel {
    std::string id;            // data-id
    std::string name;          // the heading: the entry's name, else its id
    std::string kind;          // "echo", "yjs", ...; "echo (assumed)" for an entry without one
    std::string status;        // data-status: "connecting", "connected", "disconnected"; "none": no socket
    std::string status_label;  // "Connected"
    std::string health;        // data-health: the registry's "live", "unresponsive", ...; "" if not served
    std::string health_label;  // "Live", "Unresponsive", ...
    std::string port;
    std::string pid;       // "-" when the entry has none
    std::string url;       // where the page connects, else the entry's url
    std::string link;      // href for an http:// or https:// url, else ""
    std::string started;   // "2026-01-03 18:42:03", local time, or "-"
    std::string counters;  // "2 connections Â· 14 messages" (ws-server's /healthz), or ""
    std::string detail;    // one line on the connection's history

    bool operator==(const CardModel&) const = default;
};

// The header's registry line: where the list comes from, and since when.
struct RegistryLine {
    std::string state;   // data-state: "loading", "ok", "error"
    std::string mode;    // data-mode: "starting", "live", "polling"
    std::string label;   // the pill, short so it never wraps: "Live", "Polling", "Unreachable"
    std::string detail;  // "since 14:03:22 Â· changes pushed", ...
    std::string url;     // the registry it reads

    bool operator==(const RegistryLine&) const = default;
};

class View {
public:
    virtual ~View() = default;

    // #server-count; stale: the registry cannot be read, the list is as last seen.
    virtual void show_count(size_t servers, std::string_view text, bool stale) = 0;
    virtual void show_summary(std::string_view text) = 0;  // under the count
    virtual void show_registry(const RegistryLine& line) = 0;
    virtual void upsert_card(const CardModel& card) = 0;                            // new cards go last
    virtual void remove_card(std::string_view id) = 0;
    virtual void append_log(const LogEntry& entry, std::string_view clock) = 0;
    virtual void trim_log(size_t keep) = 0;  // drop the oldest lines beyond `keep`
    // The polite live region for screen readers: a summary, at most once a second.
    virtual void announce(std::string_view text) = 0;
};

// "Looking for servers…" before the first answer, then "Found 1 server",
// "Found 3 servers", "Found 0 servers"; with the registry unreachable,
// "Found 3 servers (stale since 14:03:22)".
std::string count_text(size_t servers, bool loaded);
std::string stale_count_text(size_t servers, double since_wall, int utc_offset_minutes);
// "2 connected · 1 connecting · 1 disconnected · 1 link only", omitting
// zero counts except connected; empty when there are no servers.
std::string summary_text(size_t connected, size_t connecting, size_t disconnected, size_t link_only = 0);

// The registry line for the Feed's status.
RegistryLine registry_line(const Feed& feed, int utc_offset_minutes);

// What the polite live region says about the log lines since the last time:
// the line itself when there is one, else "3 echoes, 3 sent, 1 error: <last error>".
struct LogTally {
    size_t sent = 0, echo = 0, info = 0, error = 0;
    std::string last;        // the newest line's text
    std::string last_error;  // the newest error's text

    size_t total() const { return sent + echo + info + error; }
    void add(const LogEntry& entry);
};
std::string announcement_text(const LogTally& tally);

struct CardContext {
    std::string url;     // socket_url() of the server
    double now_ms = 0;   // same clock as the Connection's times
    double wall_ms = 0;  // Unix time at now_ms
    int utc_offset_minutes = 0;
};
CardModel make_card(const Connection& connection, const CardContext& context);

}  // namespace client
