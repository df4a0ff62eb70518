#include "app.h"

#include <algorithm>
#include <limits>

namespace client {

namespace {

// Our own closes use 1000: the browser throws on any code but 1000 and 3000-4999.
constexpr uint16_t kNormalClose = 1000;

}  // namespace

App::App(Platform& platform, View& view, Options options, std::string page_host, std::string page_origin)
    : platform_(platform),
      view_(view),
      options_(std::move(options)),
      page_host_(std::move(page_host)),
      feed_(platform, *this, options_.poll_ms, std::move(page_origin), options_.watch) {}

void App::start(double now_ms) noexcept {
    if (!options_.problem.empty()) add_log(LogKind::error, "Option " + options_.problem);
    feed_.start(now_ms);
    feed_status();
}

void App::tick(double now_ms) noexcept {
    feed_.tick(now_ms);
    for (Connection& connection : servers_) {
        if (connection.connect_overdue(now_ms, kConnectTimeoutMs)) {
            platform_.close_socket(connection.socket(), kNormalClose, "connect timeout");
            handle_closed(connection, "no answer within " + format_interval(kConnectTimeoutMs), now_ms);
        } else if (connection.retry_due(now_ms)) {
            begin_attempt(connection, now_ms);
        }
    }
    if (unannounced_.total() > 0 && now_ms >= last_announce_ms_ + kAnnounceMs) {
        view_.announce(announcement_text(unannounced_));
        unannounced_ = LogTally{};
        last_announce_ms_ = now_ms;
    }
}

double App::next_wakeup_ms() const noexcept {
    double next = feed_.next_wakeup_ms();
    for (const Connection& connection : servers_) {
        if (connection.status() == Status::disconnected)
            next = std::min(next, connection.retry_at_ms());
        else if (connection.status() == Status::connecting)
            next = std::min(next, connection.since_ms() + kConnectTimeoutMs);
    }
    if (unannounced_.total() > 0) next = std::min(next, last_announce_ms_ + kAnnounceMs);
    return next;
}

void App::registry_loaded(std::string_view body, double now_ms, std::string_view etag) noexcept {
    feed_.poll_loaded(body, etag, now_ms);
}

void App::registry_not_modified(double now_ms) noexcept {
    feed_.poll_not_modified(now_ms);
}

void App::registry_failed(std::string_view reason, double now_ms) noexcept {
    feed_.poll_failed(reason, now_ms);
}

void App::feed_entries(const std::vector<ServerInfo>& servers, const std::vector<std::string>& problems,
                       double now_ms) {
    report_problems(problems);
    apply_registry(servers, now_ms);
}

void App::feed_status() {
    view_.show_registry(registry_line(feed_, platform_.utc_offset_minutes()));
    show_counts();
}

void App::report_problems(const std::vector<std::string>& problems) {
    if (problems == last_problems_) return;  // the same bad entry is reported once, not every refresh
    for (const std::string& problem : problems)
        if (std::find(last_problems_.begin(), last_problems_.end(), problem) == last_problems_.end())
            add_log(LogKind::error, "Registry entry skipped: " + problem);
    last_problems_ = problems;
}

void App::apply_registry(const std::vector<ServerInfo>& fresh, double now_ms) {
    std::vector<ServerInfo> known;
    known.reserve(servers_.size());
    for (const Connection& connection : servers_) known.push_back(connection.info());
    RegistryDiff diff = diff_registry(known, fresh);
    auto find = [&](const std::string& id) {
        return std::find_if(servers_.begin(), servers_.end(), [&](const Connection& c) { return c.info().id == id; });
    };

    for (const std::string& id : diff.removed) {
        auto it = find(id);
        drop(*it, "server left the registry");
        view_.remove_card(id);
        add_log(LogKind::info, "[" + id + "] Left the registry", id);
        servers_.erase(it);
    }
    for (size_t index : diff.replaced) {
        const ServerInfo& info = fresh[index];
        auto it = find(info.id);
        drop(*it, "server was replaced");
        *it = Connection(info);
        add_log(LogKind::info, "[" + info.id + "] Restarted on port " + std::to_string(info.port), info.id);
        if (it->status() == Status::none)
            show_card(*it, now_ms);
        else
            begin_attempt(*it, now_ms);
    }
    for (size_t index : diff.updated) {
        const ServerInfo& info = fresh[index];
        auto it = find(info.id);
        const std::string& was = it->info().status;
        bool first_probe = was == "unknown" && info.status == "live";
        if (was != info.status && !info.status.empty() && !was.empty() && !first_probe)
            add_log(info.status == "live" ? LogKind::info : LogKind::error,
                    "[" + info.id + "] Registry says: " + info.status, info.id);
        it->update_info(info);
        show_card(*it, now_ms);
    }
    for (size_t index : diff.added) {
        const ServerInfo& info = fresh[index];
        servers_.emplace_back(info);
        add_log(LogKind::info,
                "[" + info.id + "] Found on port " + std::to_string(info.port) +
                    (is_echo(info) ? "" : " (kind " + info.kind + ", no test messages)"),
                info.id);
        if (servers_.back().status() == Status::none)
            show_card(servers_.back(), now_ms);
        else
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
    const std::string& id = connection.info().id;
    if (connection.status() == Status::connected)
        add_log(LogKind::error, "[" + id + "] Disconnected: " + problem, id);
    else if (connection.retry() == 0)
        add_log(LogKind::error, "[" + id + "] First attempt failed: " + problem, id);
    else
        add_log(LogKind::error, "[" + id + "] Retry " + std::to_string(connection.retry()) + " failed: " + problem,
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
    if (feed_.owns(socket)) {
        feed_.socket_opened(now_ms);
        return;
    }
    Connection* connection = find_by_socket(socket);
    if (connection == nullptr || connection->status() != Status::connecting) return;
    connection->opened(now_ms);
    add_log(LogKind::info, "[" + connection->info().id + "] Connected", connection->info().id);
    show_card(*connection, now_ms);
    show_counts();
}

void App::socket_message(SocketId socket, std::string_view data, bool is_text, double now_ms) noexcept {
    if (feed_.owns(socket)) {
        feed_.socket_message(data, is_text, now_ms);
        return;
    }
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
    if (feed_.owns(socket)) {
        feed_.socket_closed(code, reason, now_ms);
        return;
    }
    Connection* connection = find_by_socket(socket);
    if (connection == nullptr) return;
    handle_closed(*connection, describe_close(code, reason, connection->status() == Status::connected), now_ms);
}

size_t App::send(std::string_view message, double now_ms) noexcept {
    if (message.empty()) {
        add_log(LogKind::error, "Nothing sent: the message is empty");
        return 0;
    }
    std::string text(message);
    size_t sent = 0;
    for (Connection& connection : servers_) {
        if (connection.status() != Status::connected || !is_echo(connection.info())) continue;
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
    if (sent == 0) add_log(LogKind::error, "Nothing sent: no echo server is connected");
    return sent;
}

void App::add_log(LogKind kind, std::string text, std::string_view server_id) {
    LogEntry entry{platform_.wall_clock_ms(), kind, std::move(text), std::string(server_id)};
    const LogEntry& stored = log_.add(std::move(entry));
    unannounced_.add(stored);
    view_.append_log(stored, format_clock(stored.wall_ms, platform_.utc_offset_minutes()));
    if (log_.entries().size() == log_.capacity()) view_.trim_log(log_.capacity());
}

void App::show_card(const Connection& connection, double now_ms) {
    CardContext context{socket_url(connection.info(), page_host_), now_ms, platform_.wall_clock_ms(),
                        platform_.utc_offset_minutes()};
    view_.upsert_card(make_card(connection, context));
}

void App::show_counts() {
    size_t connected = 0, connecting = 0, disconnected = 0, link_only = 0;
    for (const Connection& connection : servers_) {
        switch (connection.status()) {
            case Status::connected: ++connected; break;
            case Status::connecting: ++connecting; break;
            case Status::disconnected: ++disconnected; break;
            case Status::none: ++link_only; break;
        }
    }
    const FeedStatus& status = feed_.status();
    bool stale = status.loaded && status.unreachable;
    view_.show_count(servers_.size(),
                     stale ? stale_count_text(servers_.size(), status.fresh_wall, platform_.utc_offset_minutes())
                           : count_text(servers_.size(), status.loaded),
                     stale);
    view_.show_summary(summary_text(connected, connecting, disconnected, link_only));
}

}  // namespace client
