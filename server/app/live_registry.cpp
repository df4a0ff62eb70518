#include "app/live_registry.h"

#include <algorithm>

#include "json/writer.h"

namespace app {

namespace {
std::string body_of(const std::vector<json::Value>& servers) {
    return json::to_string(json::Value::array(servers), 2);
}
}  // namespace

LiveRegistry::LiveRegistry(loop::EventLoop& loop, uint64_t epoch)
    : loop_(loop), log_(epoch), body_(body_of({})) {
    set_heartbeat_interval(kHeartbeatMs);
}

LiveRegistry::~LiveRegistry() { loop_.cancel(heartbeat_timer_); }

void LiveRegistry::publish(std::vector<json::Value> entries) {
    entries_ = std::move(entries);
    error_.clear();
    apply();
    if (observe_) observe_(entries_);
}

void LiveRegistry::republish() { apply(); }

void LiveRegistry::set_decorator(std::function<json::Value(const json::Value&)> decorate) {
    decorate_ = std::move(decorate);
}

void LiveRegistry::set_observer(std::function<void(const std::vector<json::Value>&)> on_entries) {
    observe_ = std::move(on_entries);
}

void LiveRegistry::set_error(std::string message) { error_ = std::move(message); }

void LiveRegistry::set_sync(std::function<void()> sync) { sync_ = std::move(sync); }

void LiveRegistry::sync() {
    if (!sync_ || syncing_) return;
    syncing_ = true;
    sync_();
    syncing_ = false;
}

void LiveRegistry::apply() {
    const registry::Diff* diff = nullptr;
    if (decorate_) {
        std::vector<json::Value> decorated;
        decorated.reserve(entries_.size());
        for (const json::Value& entry : entries_) decorated.push_back(decorate_(entry));
        diff = log_.apply(decorated);
    } else {
        diff = log_.apply(entries_);
    }
    if (diff == nullptr) return;
    body_ = body_of(log_.servers());
    broadcast(diff->message);
}

void LiveRegistry::add_watcher(LiveWatcher& watcher) { watchers_.push_back(&watcher); }

void LiveRegistry::remove_watcher(LiveWatcher& watcher) noexcept {
    auto at = std::find(watchers_.begin(), watchers_.end(), &watcher);
    if (at == watchers_.end()) return;
    if (broadcasting_) *at = nullptr;  // compacted when the broadcast ends
    else watchers_.erase(at);
}

size_t LiveRegistry::watcher_count() const {
    return static_cast<size_t>(std::count_if(watchers_.begin(), watchers_.end(), [](LiveWatcher* w) { return w; }));
}

void LiveRegistry::set_heartbeat_interval(int64_t interval_ms) {
    loop_.cancel(heartbeat_timer_);
    log_.set_heartbeat_ms(interval_ms);
    heartbeat_timer_ = interval_ms > 0 ? loop_.every(interval_ms, [this] { heartbeat(); }) : 0;
}

void LiveRegistry::heartbeat() {
    if (watchers_.empty()) return;
    broadcast(log_.heartbeat_message());
}

void LiveRegistry::broadcast(const std::string& message) {
    broadcasting_ = true;
    // Watchers added meanwhile (none should be) wait for the next message.
    const size_t count = watchers_.size();
    for (size_t i = 0; i < count; ++i)
        if (watchers_[i] != nullptr) watchers_[i]->deliver(message);
    broadcasting_ = false;
    std::erase(watchers_, nullptr);
}

}  // namespace app
