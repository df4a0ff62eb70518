// Where the page's list of servers comes from. While registry-http's watch
// socket is up, changes are pushed (live); while it is down, the page polls
// GET /api/registry every poll_ms with If-None-Match (a 304 changes nothing)
// and retries the socket with backoff, resuming with ?epoch=&gen= from what
// it holds. A socket that says nothing for two of the server's heartbeat
// periods and 5 s (the snapshot's "heartbeatMs", 15 s if it does not say) is
// taken for dead. Like App, every input is an event method with the current time.
//
//   starting --snapshot--> live --closed, silent, refused--> polling --snapshot or resumed open--> live
//   starting --closed, refused--> polling
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backoff.h"
#include "log.h"
#include "platform.h"
#include "registry.h"
#include "watch.h"

namespace client {

enum class FeedMode { starting, live, polling };
std::string_view feed_mode_name(FeedMode mode) noexcept;  // "starting", "live", "polling"

struct FeedStatus {
    FeedMode mode = FeedMode::starting;
    double mode_since_wall = 0;  // when the mode began, Unix ms
    bool loaded = false;         // entries arrived at least once
    bool unreachable = false;    // polling, and the last poll failed
    std::string problem;         // why, while unreachable
    double unreachable_wall = 0; // when the outage began, Unix ms
    double read_wall = 0;        // the last poll answer (200 or 304), Unix ms
    double fresh_wall = 0;       // the entries were known current until then: "stale since"
};

// What the Feed tells its owner (App).
class FeedSink {
public:
    virtual void feed_entries(const std::vector<ServerInfo>& servers, const std::vector<std::string>& problems,
                              double now_ms) = 0;
    virtual void feed_log(LogKind kind, std::string text) = 0;
    virtual void feed_status() = 0;  // Feed::status() changed

protected:
    ~FeedSink() = default;
};

class Feed {
public:
    static constexpr const char* kRegistryPath = "/api/registry";
    static constexpr double kHeartbeatMs = 15000;        // the server's period when its snapshot does not say
    static constexpr double kMaxHeartbeatMs = 86'400'000;  // --watch-heartbeat's longest
    static constexpr double kSilenceSlackMs = 5000;
    static constexpr double kSilenceMs = 2 * kHeartbeatMs + kSilenceSlackMs;  // two missed, plus slack
    static constexpr double kConnectTimeoutMs = 10000;

    // origin: the page's "http://host:port"; the socket is its ws:// twin.
    // watch false: poll only (?watch=off).
    Feed(Platform& platform, FeedSink& sink, int poll_ms, std::string origin, bool watch = true);

    void start(double now_ms);
    void tick(double now_ms);
    double next_wakeup_ms() const;  // +infinity when only an answer can bring news

    bool owns(SocketId socket) const { return socket != 0 && socket == socket_; }
    void socket_opened(double now_ms);
    void socket_message(std::string_view data, bool is_text, double now_ms);
    void socket_closed(uint16_t code, std::string_view reason, double now_ms);

    void poll_loaded(std::string_view body, std::string_view etag, double now_ms);
    void poll_not_modified(double now_ms);
    void poll_failed(std::string_view reason, double now_ms);

    const FeedStatus& status() const { return status_; }
    const std::optional<WatchPosition>& position() const { return position_; }
    int poll_ms() const { return poll_ms_; }
    double silence_ms() const { return 2 * heartbeat_ms_ + kSilenceSlackMs; }  // kSilenceMs by default
    bool watching() const { return watch_; }
    std::string watch_url() const;  // "ws://host:port/api/registry/watch", "" for a page not on http(s)
    std::string poll_url() const;   // "http://host:port/api/registry"

private:
    std::string watch_base() const;  // "ws://host:port"
    void open_watch(double now_ms);
    void close_watch(std::string_view reason);
    void watch_down(std::string problem, double now_ms);
    void resubscribe(const std::string& why, double now_ms);
    void go_live();
    void poll(double now_ms);
    bool poll_answered();  // false when the answer is to be ignored (the page is live)
    void reachable();

    Platform& platform_;
    FeedSink& sink_;
    int poll_ms_;
    std::string origin_;
    bool watch_;
    Backoff backoff_;
    FeedStatus status_;

    SocketId socket_ = 0;
    bool opened_ = false;
    bool resuming_ = false;
    double attempt_ms_ = 0;       // when the current socket was opened
    double last_message_ms_ = 0;  // the socket's liveness
    int failures_ = 0;            // drops in a row without a verified message
    double heartbeat_ms_ = kHeartbeatMs;        // the period the last snapshot said
    std::optional<uint64_t> heartbeat_epoch_;   // the registry-http run that said it
    double retry_at_ms_ = 0;

    std::optional<WatchPosition> position_;  // what the entries are, in registry-http's count
    std::vector<ServerInfo> entries_;

    bool fetch_in_flight_ = false;
    double fetch_started_ms_ = 0;
    double next_poll_ms_ = 0;
};

}  // namespace client
