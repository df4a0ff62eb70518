#include "view.h"

#include "clock.h"

#include "base/civil_time.h"

namespace client {

namespace {

// Turns a time on the Connection's clock into Unix time for display.
double to_wall(double at_ms, const CardContext& context) {
    return context.wall_ms + (at_ms - context.now_ms);
}

std::string clock_at(double at_ms, const CardContext& context) {
    // Whole seconds are enough on a card; the log has the milliseconds.
    return format_clock(to_wall(at_ms, context), context.utc_offset_minutes).substr(0, 8);
}

std::string detail_text(const Connection& connection, const CardContext& context) {
    switch (connection.status()) {
        case Status::connecting:
            if (connection.attempts() <= 1) return "Opening WebSocket\xE2\x80\xA6";
            return "Reconnecting, attempt " + std::to_string(connection.attempts()) +
                   (connection.problem().empty() ? "" : " (last: " + connection.problem() + ")");
        case Status::connected:
            return "Open since " + clock_at(connection.since_ms(), context) + " \xC2\xB7 " +
                   std::to_string(connection.sent()) + " sent \xC2\xB7 " +
                   std::to_string(connection.echoed()) + " echoed";
        case Status::disconnected:
            return (connection.problem().empty() ? std::string("Not connected") : connection.problem()) +
                   " \xC2\xB7 next attempt at " + clock_at(connection.retry_at_ms(), context);
    }
    return {};
}

}  // namespace

std::string count_text(size_t servers, bool loaded) {
    if (!loaded) return "Looking for servers\xE2\x80\xA6";
    return "Found " + std::to_string(servers) + (servers == 1 ? " server" : " servers");
}

std::string summary_text(size_t connected, size_t connecting, size_t disconnected) {
    if (connected + connecting + disconnected == 0) return {};
    std::string text = std::to_string(connected) + " connected";
    if (connecting > 0) text += " \xC2\xB7 " + std::to_string(connecting) + " connecting";
    if (disconnected > 0) text += " \xC2\xB7 " + std::to_string(disconnected) + " disconnected";
    return text;
}

CardModel make_card(const Connection& connection, const CardContext& context) {
    const ServerInfo& info = connection.info();
    CardModel card;
    card.id = info.id;
    card.status = std::string(status_name(connection.status()));
    card.status_label = std::string(status_label(connection.status()));
    card.port = std::to_string(info.port);
    card.pid = info.pid > 0 ? std::to_string(info.pid) : "-";
    card.url = context.url;
    std::optional<int64_t> started = base::parse_iso8601_ms(info.started_at);
    card.started = started ? format_date_time(static_cast<double>(*started), context.utc_offset_minutes)
                           : (info.started_at.empty() ? "-" : info.started_at);
    card.detail = detail_text(connection, context);
    return card;
}

}  // namespace client
