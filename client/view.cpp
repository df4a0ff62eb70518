#include "view.h"

#include "clock.h"

#include "base/civil_time.h"

namespace client {

namespace {

constexpr const char* kDot = " \xC2\xB7 ";

// Turns a time on the Connection's clock into Unix time for display.
double to_wall(double at_ms, const CardContext& context) {
    return context.wall_ms + (at_ms - context.now_ms);
}

// Whole seconds are enough on a card and in the header; the log has the milliseconds.
std::string seconds(double wall_ms, int utc_offset_minutes) {
    return format_clock(wall_ms, utc_offset_minutes).substr(0, 8);
}

std::string clock_at(double at_ms, const CardContext& context) {
    return seconds(to_wall(at_ms, context), context.utc_offset_minutes);
}

std::string detail_text(const Connection& connection, const CardContext& context) {
    const std::string& problem = connection.problem();
    switch (connection.status()) {
        case Status::connecting:
            if (connection.retry() == 0) return "Opening WebSocket\xE2\x80\xA6";
            return "Retry " + std::to_string(connection.retry()) + (problem.empty() ? "" : " (last: " + problem + ")");
        case Status::connected:
            if (!is_echo(connection.info()))
                return "Open since " + clock_at(connection.since_ms(), context) + kDot +
                       "not an echo server: no test messages";
            return "Open since " + clock_at(connection.since_ms(), context) + kDot +
                   std::to_string(connection.sent()) + " sent" + kDot + std::to_string(connection.echoed()) +
                   " echoed";
        case Status::disconnected:
            return (problem.empty() ? std::string("Not connected") : problem) + kDot + "next attempt at " +
                   clock_at(connection.retry_at_ms(), context);
        case Status::none:
            return "Not a WebSocket: the page only links to it";
    }
    return {};
}

std::string health_label(std::string_view health) {
    if (health == "unknown") return "Not probed yet";
    if (health == "live") return "Live";
    if (health == "refused") return "Refused";
    if (health == "unresponsive") return "Unresponsive";
    if (health == "impostor") return "Impostor";
    return std::string(health);
}

std::string plural(int64_t count, const char* one, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

std::string count_text(size_t servers, bool loaded) {
    if (!loaded) return "Looking for servers\xE2\x80\xA6";
    return "Found " + plural(static_cast<int64_t>(servers), "server", "servers");
}

std::string stale_count_text(size_t servers, double since_wall, int utc_offset_minutes) {
    return count_text(servers, true) + " (stale since " + seconds(since_wall, utc_offset_minutes) + ")";
}

std::string summary_text(size_t connected, size_t connecting, size_t disconnected, size_t link_only) {
    if (connected + connecting + disconnected + link_only == 0) return {};
    std::string text = std::to_string(connected) + " connected";
    if (connecting > 0) text += kDot + std::to_string(connecting) + " connecting";
    if (disconnected > 0) text += kDot + std::to_string(disconnected) + " disconnected";
    if (link_only > 0) text += kDot + std::to_string(link_only) + " link only";
    return text;
}

RegistryLine registry_line(const Feed& feed, int utc_offset_minutes) {
    const FeedStatus& status = feed.status();
    RegistryLine line;
    line.mode = std::string(feed_mode_name(status.mode));
    std::string every = "every " + format_interval(feed.poll_ms());
    std::string since = "since " + seconds(status.mode_since_wall, utc_offset_minutes);
    switch (status.mode) {
        case FeedMode::starting:
            line.state = "loading";
            line.label = "Connecting";
            line.detail = "opening the watch socket\xE2\x80\xA6";
            line.url = feed.watch_url();
            break;
        case FeedMode::live:
            line.state = "ok";
            line.label = "Live";
            line.detail = since + kDot + "changes are pushed";
            line.url = feed.watch_url();
            break;
        case FeedMode::polling:
            line.url = feed.poll_url();
            if (status.unreachable) {
                line.state = "error";
                line.label = "Unreachable";
                line.detail = "since " + seconds(status.unreachable_wall, utc_offset_minutes) + ": " +
                              status.problem + kDot + "retrying " + every;
            } else {
                line.state = status.read_wall > 0 ? "ok" : "loading";  // amber until the first answer
                line.label = "Polling";
                line.detail = since + (feed.watching() ? " (watch socket down)" : " (watch off)") + kDot +
                              (status.read_wall > 0 ? "read at " + seconds(status.read_wall, utc_offset_minutes) +
                                                          ", " + every
                                                    : every);
            }
            break;
    }
    return line;
}

void LogTally::add(const LogEntry& entry) {
    switch (entry.kind) {
        case LogKind::sent: ++sent; break;
        case LogKind::echo: ++echo; break;
        case LogKind::info: ++info; break;
        case LogKind::error:
            ++error;
            last_error = entry.text;
            break;
    }
    last = entry.text;
}

std::string announcement_text(const LogTally& tally) {
    constexpr size_t kMaxBytes = 200;  // a screen reader reads every word
    if (tally.total() == 0) return {};
    if (tally.total() == 1) return shorten(tally.last, kMaxBytes);
    std::string text;
    auto part = [&](size_t count, const char* one, const char* many) {
        if (count == 0) return;
        if (!text.empty()) text += ", ";
        text += plural(static_cast<int64_t>(count), one, many);
    };
    part(tally.echo, "echo", "echoes");
    part(tally.sent, "message sent", "messages sent");
    part(tally.info, "event", "events");
    part(tally.error, "error", "errors");
    if (!tally.last_error.empty()) text += ". Last error: " + shorten(tally.last_error, kMaxBytes);
    return text;
}

CardModel make_card(const Connection& connection, const CardContext& context) {
    const ServerInfo& info = connection.info();
    CardModel card;
    card.id = info.id;
    card.name = info.name.empty() ? info.id : info.name;
    card.kind = info.kind.empty() ? "echo (assumed)" : info.kind;
    card.status = std::string(status_name(connection.status()));
    card.status_label = std::string(status_label(connection.status()));
    card.health = info.status;
    card.health_label = health_label(info.status);
    card.port = std::to_string(info.port);
    card.pid = info.pid > 0 ? std::to_string(info.pid) : "-";
    card.url = context.url.empty() ? info.url : context.url;
    if (info.url.starts_with("http://") || info.url.starts_with("https://")) card.link = info.url;
    std::optional<int64_t> started = base::parse_iso8601_ms(info.started_at);
    card.started = started ? format_date_time(static_cast<double>(*started), context.utc_offset_minutes)
                           : (info.started_at.empty() ? "-" : info.started_at);
    if (info.connections >= 0 || info.messages >= 0) {
        std::string connections = info.connections >= 0 ? plural(info.connections, "connection", "connections") : "";
        std::string messages = info.messages >= 0 ? plural(info.messages, "message", "messages") : "";
        card.counters = connections.empty() ? messages : messages.empty() ? connections : connections + kDot + messages;
    }
    card.detail = detail_text(connection, context);
    return card;
}

}  // namespace client
