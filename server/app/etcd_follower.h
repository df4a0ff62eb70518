// Follows PREFIX/servers/ in etcd (registry-http's view of the registry):
// kv/range the prefix, then watch from the revision read + 1 with prev_kv,
// keeping key -> entry JSON. on_set gets every entry (in the order they were
// created) after the first list and after each batch of watch events.
//
// A compacted revision (the watch canceled with compact_revision) lists again
// at once. A watch that ends or breaks, or a malformed message: list again
// (the client moves on to another endpoint when one fails), with a backoff
// doubling from 100 ms up to max_backoff_ms while lists fail, and another
// while watches fail, however well the lists between them go; it starts
// afresh once a watch has delivered events or held for max_backoff_ms.
// on_unreachable once per outage, on_reachable once when a list works again. Values that are not JSON
// objects are left out (on_skipped says which key and why).
//
// The first list's outcome goes to on_first (after on_set when it worked);
// after an error there the follower does nothing more.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/etcd_client.h"
#include "app/one_shot.h"
#include "base/result.h"
#include "json/value.h"
#include "loop/event_loop.h"
#include "registry/etcd_codec.h"
#include "registry/etcd_url.h"

namespace app {

struct EtcdFollowerOptions {
    int64_t max_backoff_ms = 2000;
    EtcdClientOptions client{};
};

struct EtcdFollowerEvents {
    std::function<void(const std::vector<json::Value>& entries)> on_set;  // must not destroy the follower
    std::function<void(const Status&)> on_first;
    std::function<void(const Error&)> on_unreachable;
    std::function<void()> on_reachable;
    std::function<void(const std::string& key, const std::string& problem)> on_skipped;
    // After each list, before its watch starts (tests compact there).
    std::function<void()> before_watch;
};

class EtcdFollower final : private EtcdStreamHandler {
public:
    EtcdFollower(loop::EventLoop& loop, registry::EtcdTarget target, std::string password, EtcdFollowerEvents events,
                 EtcdFollowerOptions options = {});
    EtcdFollower(const EtcdFollower&) = delete;
    EtcdFollower& operator=(const EtcdFollower&) = delete;

    void start();
    std::vector<json::Value> entries() const;
    int64_t revision() const noexcept { return revision_; }  // the last one seen
    uint64_t lists() const noexcept { return lists_; }      // successful lists so far (1 + relists)
    int64_t relist_delay_ms() const noexcept { return relist_delay_ms_; }  // the wait before the last relist

private:
    struct Item {
        int64_t create_revision = 0;
        json::Value entry;
    };
    void list();
    void watch();
    void relist_later(int64_t delay_ms);
    int64_t watch_failed() noexcept;  // the wait before listing again
    void failed(const Error& error);
    void apply(const registry::etcd::KeyValue& kv);
    void on_line(std::string_view line) noexcept override;
    void on_end(const Error& why) noexcept override;

    loop::EventLoop& loop_;
    EtcdClient client_;
    std::string prefix_;  // PREFIX/servers/
    EtcdFollowerEvents events_;
    EtcdFollowerOptions options_;
    OneShot timer_;
    std::map<std::string, Item> items_;
    int64_t revision_ = 0;
    uint64_t lists_ = 0;
    int64_t relist_delay_ms_ = 0;
    Reachability reach_;          // of the lists
    DoublingDelay watch_backoff_; // of the watches
    int64_t watch_started_ms_ = 0;
};

// Lists PREFIX/servers/ once, on a loop of its own (peer-plan list), within
// timeout_ms: the entries in creation order.
Result<std::vector<json::Value>> etcd_list(const registry::EtcdTarget& target, const std::string& password,
                                           int64_t timeout_ms = 5000);
// Deletes PREFIX/servers/<id> once (peer-plan unregister); Ok when it was
// there or not.
Status etcd_delete(const registry::EtcdTarget& target, const std::string& password, std::string_view id,
                   int64_t timeout_ms = 5000);

}  // namespace app
