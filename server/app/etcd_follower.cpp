#include "app/etcd_follower.h"

#include <algorithm>
#include <utility>

namespace app {
namespace {
constexpr int64_t kFirstBackoffMs = 100;
namespace etcd = registry::etcd;
}  // namespace

EtcdFollower::EtcdFollower(loop::EventLoop& loop, registry::EtcdTarget target, std::string password,
                           EtcdFollowerEvents events, EtcdFollowerOptions options)
    : loop_(loop),
      client_(loop, target, std::move(password), options.client),
      prefix_(target.servers_prefix()),
      events_(std::move(events)),
      options_(options),
      timer_(loop),
      reach_(kFirstBackoffMs, options.max_backoff_ms),
      watch_backoff_(kFirstBackoffMs, options.max_backoff_ms) {}

void EtcdFollower::start() { list(); }

std::vector<json::Value> EtcdFollower::entries() const {
    std::vector<const std::pair<const std::string, Item>*> order;
    for (const auto& item : items_) order.push_back(&item);
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        return a->second.create_revision < b->second.create_revision;  // the map already orders by key
    });
    std::vector<json::Value> out;
    for (const auto* item : order) out.push_back(item->second.entry);
    return out;
}

void EtcdFollower::list() {
    client_.call("kv/range", etcd::range_prefix_body(prefix_), [this](Result<std::string> answer) {
        if (!answer.ok()) return failed(answer.error());
        auto range = etcd::parse_range(answer.value());
        if (!range.ok()) return failed(Error{"etcd " + client_.endpoint() + ": " + range.error().message});
        items_.clear();
        for (const etcd::KeyValue& kv : range.value().kvs) apply(kv);
        revision_ = range.value().revision;
        ++lists_;
        const Reachability::Turn turn = reach_.succeeded();
        if (events_.on_set) events_.on_set(entries());
        if (turn == Reachability::Turn::first && events_.on_first) events_.on_first(Ok{});
        if (turn == Reachability::Turn::back && events_.on_reachable) events_.on_reachable();
        if (events_.before_watch) events_.before_watch();
        watch();
    });
}

void EtcdFollower::watch() {
    watch_started_ms_ = loop_.now_ms();
    client_.stream("watch", etcd::watch_body(prefix_, revision_ + 1), *this);
}

// A watch that fails right after a list that worked waits as long as failed
// lists do: a gateway that answers kv/range but breaks every watch is not
// hammered every 100 ms.
int64_t EtcdFollower::watch_failed() noexcept {
    if (loop_.now_ms() - watch_started_ms_ >= options_.max_backoff_ms) watch_backoff_.reset();  // it held
    return std::max(reach_.backoff_ms(), watch_backoff_.grow());
}

void EtcdFollower::apply(const etcd::KeyValue& kv) {
    auto entry = etcd::entry_value(kv);
    if (!entry.ok()) {
        items_.erase(kv.key);
        if (events_.on_skipped) events_.on_skipped(kv.key, entry.error().message);
        return;
    }
    items_[kv.key] = Item{kv.create_revision, std::move(entry.value())};
}

void EtcdFollower::on_line(std::string_view line) noexcept {
    auto message = etcd::parse_watch_line(line);
    if (!message.ok() || message.value().canceled) {
        // A compacted revision lists again at once; other cancels and bad
        // messages after the backoff, so a broken server is not hammered.
        bool compacted = message.ok() && message.value().compact_revision > 0;
        client_.cancel();
        return relist_later(compacted ? 0 : watch_failed());
    }
    if (message.value().events.empty()) return;  // created, or a progress notice
    watch_backoff_.reset();  // the watch works
    for (const etcd::WatchEvent& event : message.value().events) {
        if (event.type == etcd::WatchEvent::Type::remove) items_.erase(event.kv.key);
        else apply(event.kv);
        revision_ = std::max(revision_, event.kv.mod_revision);
    }
    if (events_.on_set) events_.on_set(entries());
}

void EtcdFollower::on_end(const Error&) noexcept {
    // The watch ended or broke: list again (the client tries another
    // endpoint first when the connection broke).
    relist_later(watch_failed());
}

void EtcdFollower::relist_later(int64_t delay_ms) {
    relist_delay_ms_ = delay_ms;
    timer_.arm(delay_ms, [this] { list(); });
}

void EtcdFollower::failed(const Error& error) {
    const Reachability::Turn turn = reach_.failed();
    if (turn == Reachability::Turn::first) {
        if (events_.on_first) events_.on_first(error);
        return;
    }
    if (turn == Reachability::Turn::down && events_.on_unreachable) events_.on_unreachable(error);
    relist_later(reach_.backoff_ms());
}

namespace {

// Runs one call on a loop of its own until it completes or timeout_ms passes.
Result<std::string> call_once(const registry::EtcdTarget& target, const std::string& password, std::string call,
                              std::string body, int64_t timeout_ms) {
    auto loop = loop::EventLoop::create();
    if (!loop.ok()) return loop.error();
    Result<std::string> outcome = Error{"etcd: " + call + ": no answer within " + std::to_string(timeout_ms) + " ms"};
    {
        EtcdClient client(loop.value(), target, password);
        OneShot deadline(loop.value());
        deadline.arm(timeout_ms, [&] { loop.value().stop(); });
        client.call(std::move(call), std::move(body), [&](Result<std::string> answer) {
            outcome = std::move(answer);
            loop.value().stop();
        });
        Status ran = loop.value().run();
        if (!ran.ok()) return ran.error();
    }
    return outcome;
}

}  // namespace

Result<std::vector<json::Value>> etcd_list(const registry::EtcdTarget& target, const std::string& password,
                                           int64_t timeout_ms) {
    auto answer = call_once(target, password, "kv/range", etcd::range_prefix_body(target.servers_prefix()), timeout_ms);
    if (!answer.ok()) return answer.error();
    auto range = etcd::parse_range(answer.value());
    if (!range.ok()) return Error{"etcd: " + range.error().message};
    return etcd::entries_in_order(range.value().kvs);
}

Status etcd_delete(const registry::EtcdTarget& target, const std::string& password, std::string_view id,
                   int64_t timeout_ms) {
    auto answer = call_once(target, password, "kv/deleterange", etcd::delete_body(target.key_for(id)), timeout_ms);
    if (!answer.ok()) return answer.error();
    return Ok{};
}

}  // namespace app
