#include "app.h"

#include <algorithm>
#include <limits>

#include "clock.h"

namespace client {

namespace {

// Our own closes use 1000: the browser throws on any code but 1000 and 3000-4999.
constexpr uint16_t kNormalClose = 1000;

}  // namespace

std::string format_interval(int ms) {
    if (ms < 1000) return std::to_string(ms) + " ms";
    std::string text = std::to_string(ms / 1000);
    if (ms % 1000 != 0) {
        std::string fraction = std::to_string(1000 + ms % 1000).substr(1);  // "050"
        while (fraction.back() == '0') fraction.pop_back();
        text += "." + fraction;
    }
    return text + " s";
}

App::App(Platform& platform, View& view, Options options, std::string page_host)
    : platform_(platform), view_(view), options_(std::move(options)), page_host_(std::move(page_host)) {}

void App::start(double now_ms) noexcept {
    if (!options_.problem.empty()) add_log(LogKind::error, "Option " + options_.problem);
    view_.show_count(0, count_text(0, false));
    view_.show_registry("loading", "Asking " + std::string(kRegistryPath) + "\xE2\x80\xA6");
    begin_fetch(now_ms);
}

void App::tick(double now_ms) noexcept {
    if (!fetch_in_flight_ && now_ms >= next_fetch_ms_) begin_fetch(now_ms);
    for (Connection& connection : servers_) {
        if (connection.connect_overdue(now_ms, kConnectTimeoutMs)) {
            platform_.close_socket(connection.socket(), kNormalClose, "connect timeout");
            handle_closed(connection, "no answer within " + format_interval(kConnectTimeoutMs), now_ms);
        } else if (connection.retry_due(now_ms)) {
            begin_attempt(connection, now_ms);
        }
    }
}

double App::next_wakeup_ms() const noexcept {
    double next = fetch_in_flight_ ? std::numeric_limits<double>::infinity() : next_fetch_ms_;
    for (const Connection& connection : servers_) {
        if (connection.status() == Status::disconnected)
            next = std::min(next, connection.retry_at_ms());
        else if (connection.status() == Status::connecting)
            next = std::min(next, connection.since_ms() + kConnectTimeoutMs);
    }
    return next;
}

void App::begin_fetch(double now_ms) {
    fetch_in_flight_ = true;
    fetch_started_ms_ = now_ms;
    platform_.fetch_registry(kRegistryPath);
}

void App::registry_loaded(std::string_view body, double now_ms) noexcept {
    Result<Registry> registry = parse_registry(body);
    if (!registry.ok()) {
        registry_failed(
            std::string(kRegistryPath) + " did not answer with a registry: " + registry.error().message,
            now_ms);
        return;
    }
    fetch_in_flight_ = false;
    next_fetch_ms_ = fetch_started_ms_ + options_.refresh_ms;
    if (registry_down_) add_log(LogKind::info, "Registry reachable again");
    registry_down_ = false;
    loaded_ = true;
    view_.show_registry(
        "ok", "Registry read at " +
                  format_clock(platform_.wall_clock_ms(), platform_.utc_offset_minutes()).substr(0, 8) +
                  " \xC2\xB7 refreshed every " + format_interval(options_.refresh_ms));
    report_problems(registry.value().problems);
    apply_registry(registry.value(), now_ms);
}

void App::registry_failed(std::string_view reason, [[maybe_unused]] double now_ms) noexcept {
    fetch_in_flight_ = false;
    next_fetch_ms_ = fetch_started_ms_ + options_.refresh_ms;
    if (!registry_down_) {
        // Once per outage: a registry-http that is down for an hour is one line, not 720.
        add_log(LogKind::error, "Registry unreachable: " + std::string(reason));
        registry_down_ = true;
    }
    // Servers stay as last seen: their sockets still tell the truth about them.
    view_.show_registry("error", "Registry unreachable: " + std::string(reason) +
                                     " \xC2\xB7 retrying every " + format_interval(options_.refresh_ms));
}

void App::report_problems(const std::vector<std::string>& problems) {
    if (problems == last_problems_) return;  // the same bad entry is reported once, not every refresh
    for (const std::string& problem : problems)
        if (std::find(last_problems_.begin(), last_problems_.end(), problem) == last_problems_.end())
            add_log(LogKind::error, "Registry entry skipped: " + problem);
    last_problems_ = problems;
}

void App::apply_registry(const Registry& registry, double now_ms) {
    std::vector<ServerInfo> known;
    known.reserve(servers_.size());
    for (const Connection& connection : servers_) known.push_back(connection.info());
    RegistryDiff diff = diff_registry(known, registry.servers);

    for (const std::string& id : diff.removed) {
        auto it = std::find_if(servers_.begin(), servers_.end(),
                               [&](const Connection& c) { return c.info().id == id; });
        drop(*it, "server left the registry");
        view_.remove_card(id);
        add_log(LogKind::info, "[" + id + "] Left the registry", id);
        servers_.erase(it);
    }
    for (size_t index : diff.replaced) {
        const ServerInfo& info = registry.servers[index];
        auto it = std::find_if(servers_.begin(), servers_.end(),
                               [&](const Connection& c) { return c.info().id == info.id; });
        drop(*it, "server was replaced");
        *it = Connection(info);
        add_log(LogKind::info, "[" + info.id + "] Restarted on port " + std::to_string(info.port), info.id);
        begin_attempt(*it, now_ms);
    }
    for (size_t index : diff.added) {
        const ServerInfo& info = registry.servers[index];
        servers_.emplace_back(info);
        add_log(LogKind::info, "[" + info.id + "] Found on port " + std::to_string(info.port), info.id);
        begin_attempt(servers_.back(), now_ms);
    }
    show_counts();
}

void App::drop(Connection& connection, std::string_view reason) {
    if (connection.socket() != 0) platform_.close_socket(connection.socket(), kNormalClose, reason);
}

void App::begin_attempt(Connection& connection, double now_ms) {
    std::string url = socket_url(connection.info(), page_host_);
    SocketId socket = platform_.open_socket(url);
    connection.start_attempt(socket, now_ms);
    if (socket == 0) {
        handle_closed(connection, "the browser refused to open " + url, now_ms);
        return;
    }
    show_card(connection, now_ms);
    show_counts();
}

void App::handle_closed(Connection& connection, std::string problem, double now_ms) {
    bool was_connected = connection.status() == Status::connected;
    int attempt = connection.attempts();
    const std::string& id = connection.info().id;
    if (was_connected)
        add_log(LogKind::error, "[" + id + "] Disconnected: " + problem, id);
    else
        add_log(LogKind::error, "[" + id + "] Attempt " + std::to_string(attempt) + " failed: " + problem,
                id);
    connection.closed(std::move(problem), now_ms, platform_.random01(), backoff_);
    show_card(connection, now_ms);
    show_counts();
}

Connection* App::find_by_socket(SocketId socket) {
    if (socket == 0) return nullptr;
    for (Connection& connection : servers_)
        if (connection.socket() == socket) return &connection;
    return nullptr;  // a socket we already closed and forgot
}

void App::socket_opened(SocketId socket, double now_ms) noexcept {
    Connection* connection = find_by_socket(socket);
    if (connection == nullptr || connection->status() != Status::connecting) return;
    connection->opened(now_ms);
    add_log(LogKind::info, "[" + connection->info().id + "] Connected", connection->info().id);
    show_card(*connection, now_ms);
    show_counts();
}

void App::socket_message(SocketId socket, std::string_view data, bool is_text, double now_ms) noexcept {
    Connection* connection = find_by_socket(socket);
    if (connection == nullptr) return;
    connection->count_echo();
    const std::string& id = connection->info().id;
    std::string shown =
        is_text ? shorten(data, kLogMessageBytes) : "(binary, " + std::to_string(data.size()) + " bytes)";
    add_log(LogKind::echo, echo_text(id, shown), id);
    show_card(*connection, now_ms);
}

void App::socket_closed(SocketId socket, uint16_t code, std::string_view reason, double now_ms) noexcept {
    Connection* connection = find_by_socket(socket);
    if (connection == nullptr) return;
    handle_closed(*connection, describe_close(code, reason, connection->status() == Status::connected),
                  now_ms);
}

size_t App::send(std::string_view message, double now_ms) noexcept {
    if (message.empty()) {
        add_log(LogKind::error, "Nothing sent: the message is empty");
        return 0;
    }
    std::string text(message);
    size_t sent = 0;
    for (Connection& connection : servers_) {
        if (connection.status() != Status::connected) continue;
        const std::string& id = connection.info().id;
        if (!platform_.send_text(connection.socket(), text)) {
            add_log(LogKind::error, "[" + id + "] Could not send", id);
            continue;
        }
        connection.count_sent();
        ++sent;
        add_log(LogKind::sent, sent_text(shorten(message, kLogMessageBytes)), id);
        show_card(connection, now_ms);
    }
    if (sent == 0) add_log(LogKind::error, "Nothing sent: no server is connected");
    return sent;
}

void App::add_log(LogKind kind, std::string text, std::string_view server_id) {
    LogEntry entry{platform_.wall_clock_ms(), kind, std::move(text), std::string(server_id)};
    const LogEntry& stored = log_.add(std::move(entry));
    view_.append_log(stored, format_clock(stored.wall_ms, platform_.utc_offset_minutes()));
    if (log_.entries().size() == log_.capacity()) view_.trim_log(log_.capacity());
}

void App::show_card(const Connection& connection, double now_ms) {
    CardContext context{socket_url(connection.info(), page_host_), now_ms, platform_.wall_clock_ms(),
                        platform_.utc_offset_minutes()};
    view_.upsert_card(make_card(connection, context));
}

void App::show_counts() {
    size_t connected = 0, connecting = 0, disconnected = 0;
    for (const Connection& connection : servers_) {
        switch (connection.status()) {
            case Status::connected: ++connected; break;
            case Status::connecting: ++connecting; break;
            case Status::disconnected: ++disconnected; break;
        }
    }
    view_.show_count(servers_.size(), count_text(servers_.size(), loaded_));
    view_.show_summary(summary_text(connected, connecting, disconnected));
}

}  // namespace client
