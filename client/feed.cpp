#include "feed.h"

#include <algorithm>
#include <limits>

#include "clock.h"

namespace client {

namespace {

constexpr uint16_t kNormalClose = 1000;  // the only code below 3000 a browser may send

}  // namespace

std::string_view feed_mode_name(FeedMode mode) noexcept {
    switch (mode) {
        case FeedMode::starting: return "starting";
        case FeedMode::live: return "live";
        case FeedMode::polling: return "polling";
    }
    return "starting";
}

Feed::Feed(Platform& platform, FeedSink& sink, int poll_ms, std::string origin, bool watch)
    : platform_(platform), sink_(sink), poll_ms_(poll_ms), origin_(std::move(origin)), watch_(watch) {}

std::string Feed::watch_base() const {
    if (origin_.starts_with("http://")) return "ws://" + origin_.substr(7);
    if (origin_.starts_with("https://")) return "wss://" + origin_.substr(8);
    return {};
}

std::string Feed::watch_url() const {
    std::string base = watch_base();
    return base.empty() ? base : base + watch_path(std::nullopt);
}

std::string Feed::poll_url() const {
    return origin_ + kRegistryPath;
}

void Feed::start(double now_ms) {
    status_.mode_since_wall = platform_.wall_clock_ms();
    poll(now_ms);  // answers at once even from a registry-http without the watch socket
    if (watch_) {
        open_watch(now_ms);
    } else {
        status_.mode = FeedMode::polling;
        retry_at_ms_ = std::numeric_limits<double>::infinity();
    }
}

void Feed::open_watch(double now_ms) {
    std::string base = watch_base();
    if (base.empty()) {
        watch_down("the page is not served over http", now_ms);
        retry_at_ms_ = std::numeric_limits<double>::infinity();
        return;
    }
    // A resume brings no snapshot, so only a run whose heartbeat period the
    // page knows is resumed; else (a restarted registry-http, found by a poll)
    // the page subscribes afresh.
    std::optional<WatchPosition> resume = position_;
    if (resume && resume->epoch != heartbeat_epoch_) resume.reset();
    std::string url = base + watch_path(resume);
    socket_ = platform_.open_socket(url);
    opened_ = false;
    resuming_ = resume.has_value();
    attempt_ms_ = now_ms;
    if (socket_ == 0) watch_down("the browser refused to open " + url, now_ms);
}

void Feed::close_watch(std::string_view reason) {
    if (socket_ != 0) platform_.close_socket(socket_, kNormalClose, reason);
    socket_ = 0;
    opened_ = false;
}

void Feed::watch_down(std::string problem, double now_ms) {
    socket_ = 0;
    opened_ = false;
    ++failures_;
    retry_at_ms_ = now_ms + backoff_.delay_ms(failures_, platform_.random01());
    if (status_.mode == FeedMode::polling) return;  // a retry that failed: said once already
    double wall = platform_.wall_clock_ms();
    std::string every = " every " + format_interval(poll_ms_);
    if (status_.mode == FeedMode::live) {
        status_.fresh_wall = wall;
        sink_.feed_log(LogKind::error, "Registry watch lost (" + problem + "); polling " + poll_url() + every);
    } else {
        sink_.feed_log(LogKind::info,
                       "Registry watch unavailable (" + problem + "); polling " + poll_url() + every);
    }
    status_.mode = FeedMode::polling;
    status_.mode_since_wall = wall;
    if (!fetch_in_flight_) poll(now_ms);
    sink_.feed_status();
}

void Feed::resubscribe(const std::string& why, double now_ms) {
    sink_.feed_log(LogKind::info, "Registry watch out of step (" + why + "); subscribing afresh");
    close_watch("resubscribe");
    position_.reset();  // no resume: the next subscription starts with a snapshot
    if (failures_ == 0) {
        failures_ = 1;  // a second mismatch in a row waits with backoff
        open_watch(now_ms);
    } else {
        watch_down("out of step again", now_ms);
    }
}

void Feed::go_live() {
    if (status_.mode == FeedMode::live) return;
    bool again = status_.mode == FeedMode::polling;
    if (status_.unreachable) sink_.feed_log(LogKind::info, "Registry reachable again");
    status_.mode = FeedMode::live;
    status_.mode_since_wall = platform_.wall_clock_ms();
    status_.unreachable = false;
    status_.problem.clear();
    sink_.feed_log(LogKind::info, std::string(again ? "Live again" : "Live") + ": registry changes are pushed over " +
                                      watch_url());
    sink_.feed_status();
}

void Feed::tick(double now_ms) {
    if (socket_ != 0 && !opened_ && now_ms - attempt_ms_ >= kConnectTimeoutMs) {
        close_watch("connect timeout");
        watch_down("no answer within " + format_interval(static_cast<int>(kConnectTimeoutMs)), now_ms);
    } else if (socket_ != 0 && opened_ && now_ms - last_message_ms_ >= silence_ms()) {
        close_watch("silent");
        watch_down("no message for " + format_interval(static_cast<int>(silence_ms())), now_ms);
    }
    if (socket_ == 0 && now_ms >= retry_at_ms_) open_watch(now_ms);
    if (status_.mode != FeedMode::live && !fetch_in_flight_ && now_ms >= next_poll_ms_) poll(now_ms);
}

double Feed::next_wakeup_ms() const {
    double next = std::numeric_limits<double>::infinity();
    if (socket_ == 0)
        next = retry_at_ms_;
    else if (!opened_)
        next = attempt_ms_ + kConnectTimeoutMs;
    else
        next = last_message_ms_ + silence_ms();
    if (status_.mode != FeedMode::live && !fetch_in_flight_) next = std::min(next, next_poll_ms_);
    return next;
}

void Feed::socket_opened(double now_ms) {
    opened_ = true;
    last_message_ms_ = now_ms;
    // A resumed subscription sends only what changed since, maybe nothing.
    if (resuming_) go_live();
}

void Feed::socket_message(std::string_view data, bool is_text, double now_ms) {
    last_message_ms_ = now_ms;
    Result<WatchMessage> message = is_text ? parse_watch_message(data) : Error{"a binary message"};
    if (!message.ok()) {
        sink_.feed_log(LogKind::error, "Registry watch sent a bad message: " + message.error().message);
        resubscribe("bad message", now_ms);
        return;
    }
    WatchCheck check = check_watch_message(position_, message.value());
    switch (check.verdict) {
        case WatchVerdict::resubscribe:
            resubscribe(check.reason, now_ms);
            return;
        case WatchVerdict::in_step:
            if (message.value().type == WatchType::heartbeat) failures_ = 0;
            return;
        case WatchVerdict::apply:
            break;
    }
    if (message.value().type == WatchType::diff) failures_ = 0;
    if (message.value().type == WatchType::snapshot) {
        uint64_t said = message.value().heartbeat_ms;
        heartbeat_ms_ = said == 0 ? kHeartbeatMs : std::min(static_cast<double>(said), kMaxHeartbeatMs);
        heartbeat_epoch_ = message.value().position.epoch;
    }
    apply_watch_message(message.value(), entries_);
    position_ = message.value().position;
    status_.loaded = true;
    sink_.feed_entries(entries_, message.value().problems, now_ms);
    go_live();
}

void Feed::socket_closed(uint16_t code, std::string_view reason, double now_ms) {
    std::string problem = opened_ ? describe_close(code, reason, true) : "could not connect";
    watch_down(std::move(problem), now_ms);
}

void Feed::poll(double now_ms) {
    fetch_in_flight_ = true;
    fetch_started_ms_ = now_ms;
    platform_.fetch_registry(kRegistryPath, position_ ? format_etag(*position_) : std::string());
}

bool Feed::poll_answered() {
    fetch_in_flight_ = false;
    next_poll_ms_ = fetch_started_ms_ + poll_ms_;
    return status_.mode != FeedMode::live;  // the socket is newer than any poll
}

void Feed::reachable() {
    if (status_.unreachable) sink_.feed_log(LogKind::info, "Registry reachable again");
    status_.unreachable = false;
    status_.problem.clear();
    status_.read_wall = platform_.wall_clock_ms();
    status_.fresh_wall = status_.read_wall;
    sink_.feed_status();
}

void Feed::poll_loaded(std::string_view body, std::string_view etag, double now_ms) {
    if (!poll_answered()) return;
    Result<Registry> registry = parse_registry(body);
    if (!registry.ok()) {
        poll_failed(std::string(kRegistryPath) + " did not answer with a registry: " + registry.error().message,
                    now_ms);
        return;
    }
    entries_ = std::move(registry.value().servers);
    position_ = parse_etag(etag);  // resume the socket from here
    status_.loaded = true;
    reachable();
    sink_.feed_entries(entries_, registry.value().problems, now_ms);
}

void Feed::poll_not_modified([[maybe_unused]] double now_ms) {
    if (!poll_answered()) return;
    reachable();
}

// The next poll is timed from the request's start, not from now_ms.
void Feed::poll_failed(std::string_view reason, [[maybe_unused]] double now_ms) {
    if (!poll_answered()) return;
    if (!status_.unreachable) {
        // Once per outage: a registry-http that is down for an hour is one line, not 720.
        sink_.feed_log(LogKind::error, "Registry unreachable: " + std::string(reason));
        status_.unreachable_wall = platform_.wall_clock_ms();
        if (status_.fresh_wall == 0) status_.fresh_wall = status_.unreachable_wall;
    }
    status_.unreachable = true;
    status_.problem = std::string(reason);
    sink_.feed_status();
}

}  // namespace client
