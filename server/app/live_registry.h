// registry-http's live set (SPEC "Live registry"): what a source (the
// registry file, or etcd) says is live now, through the health checker's
// decoration, kept as a registry::LiveLog. Every change is pushed at once to
// every watcher (the watch connections of GET /api/registry/watch) as one
// message text made once for all of them; GET /api/registry serves body(),
// made once per gen, with the ETag log().etag(). Heartbeats go out every
// 15 s (or set_heartbeat_interval(); the snapshot says which). Sources and the health checker only call publish() and republish();
// they never see a watcher.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "json/value.h"
#include "loop/event_loop.h"
#include "registry/live_log.h"

namespace app {

// One subscriber: gets each message (diff, heartbeat) as the text shared by
// all. It must not add or remove watchers from deliver(), except itself.
class LiveWatcher {
public:
    virtual void deliver(const std::string& message) noexcept = 0;

protected:
    ~LiveWatcher() = default;
};

class LiveRegistry {
public:
    static constexpr int64_t kHeartbeatMs = registry::LiveLog::kDefaultHeartbeatMs;

    // `epoch` as for registry::LiveLog (random per run). Heartbeats start at once.
    LiveRegistry(loop::EventLoop& loop, uint64_t epoch);
    ~LiveRegistry();
    LiveRegistry(const LiveRegistry&) = delete;
    LiveRegistry& operator=(const LiveRegistry&) = delete;

    // The source's live entries now (the file's live entries, or etcd's).
    // Applies them, through the decorator, to the LiveLog and pushes the diff,
    // if any, to every watcher; then calls the observer with them. Clears an
    // error set before.
    void publish(std::vector<json::Value> entries);
    // Re-applies the last published entries through the decorator (health changed).
    void republish();
    // Set by the health checker: returns the entry with "status" etc. Default: identity.
    void set_decorator(std::function<json::Value(const json::Value&)> decorate);
    // Called with the raw entries after each publish (the health checker's targets).
    void set_observer(std::function<void(const std::vector<json::Value>&)> on_entries);

    // The source cannot be read (a corrupt file: "<path> line 3, column 15:
    // ..."): GET /api/registry answers 500 with it until the next publish();
    // watchers keep the last set. Empty: no error.
    void set_error(std::string message);
    const std::string& error() const { return error_; }

    // Called before GET /api/registry is answered, so that a change the source
    // has been told of but not yet handled shows in the answer (the file
    // source reads its pending events: a request right after a write sees it).
    void set_sync(std::function<void()> sync);
    void sync();

    const registry::LiveLog& log() const { return log_; }
    // The JSON array served by GET /api/registry (2-space layout, like the
    // file), made once per gen: log().servers().
    const std::string& body() const { return body_; }
    // The last published entries, undecorated.
    const std::vector<json::Value>& entries() const { return entries_; }

    // Watchers get every message from now on, until removed (a watcher
    // removes itself before it is destroyed).
    void add_watcher(LiveWatcher& watcher);
    void remove_watcher(LiveWatcher& watcher) noexcept;
    size_t watcher_count() const;
    // Heartbeats every `interval_ms` (0: none); default kHeartbeatMs. The
    // snapshot announces it as "heartbeatMs".
    void set_heartbeat_interval(int64_t interval_ms);
    void heartbeat();  // one heartbeat to every watcher now

private:
    void apply();
    void broadcast(const std::string& message);

    loop::EventLoop& loop_;
    registry::LiveLog log_;
    std::vector<json::Value> entries_;
    std::function<json::Value(const json::Value&)> decorate_;
    std::function<void(const std::vector<json::Value>&)> observe_;
    std::function<void()> sync_;
    std::string body_;
    std::string error_;
    std::vector<LiveWatcher*> watchers_;  // null: removed during a broadcast
    bool broadcasting_ = false;
    bool syncing_ = false;
    loop::TimerId heartbeat_timer_ = 0;
};

}  // namespace app
