// registry-http's health probes (SPEC "Live registry"): registry::Prober
// decides when each live entry is probed and what the outcome means; this
// runs the probes with net::HttpClient on the event loop (GET /healthz, at
// most one per entry in flight, abandoned after 2 s) and says when an entry's
// status or counters changed, so that the live set is published again.
//
// An entry is probed at the address its url names when that is a numeric
// address (localhost counts as 127.0.0.1); an entry whose url names another
// host stays "unknown": resolving a name would block the loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "json/value.h"
#include "loop/event_loop.h"
#include "registry/probe.h"

namespace app {

class HealthChecker {
public:
    // `on_change`: some entry's status or counters changed (LiveRegistry::republish()).
    // Called from the loop, never from set_entries().
    HealthChecker(loop::EventLoop& loop, std::function<void()> on_change);
    ~HealthChecker();
    HealthChecker(const HealthChecker&) = delete;
    HealthChecker& operator=(const HealthChecker&) = delete;

    // The live set now (LiveRegistry's observer): new and changed entries are
    // probed at once, gone ones forgotten.
    void set_entries(const std::vector<json::Value>& entries);
    // `entry` with "status" and, from a live ws-server, "connections" and "messages".
    json::Value decorate(const json::Value& entry) const;

    // The numeric address to probe for an entry's url, "" when there is none
    // ("ws://localhost:1" -> "127.0.0.1", "ws://[::1]:1" -> "::1", "ws://example.com:1" -> "").
    static std::string probe_address(const json::Value& entry);

private:
    class Probe;
    void run() noexcept;  // the Prober's work now, then the timer for the next
    void arm() noexcept;  // the timer at Prober::next_poll_ms()
    // Hands a probe's outcome to the Prober, drops the probe, and calls
    // on_change when what decorate() shows for the entry changed.
    void settle(Probe& probe, const std::function<void()>& outcome) noexcept;
    void drop(uint64_t number) noexcept;  // cancels the probe; destroyed once the loop's batch ends
    std::string address_of(const std::string& id) const;
    json::Value health_of(const std::string& id) const;  // what decorate() adds for `id`

    loop::EventLoop& loop_;
    std::function<void()> on_change_;
    registry::Prober prober_;
    std::vector<std::pair<std::string, std::string>> addresses_;  // id -> address of the probed entries
    std::vector<std::shared_ptr<Probe>> probes_;                  // in flight
    bool reset_ = false;  // set_entries() changed what is shown: tell on_change at the next run
    loop::TimerId timer_ = 0;
    int64_t timer_due_ms_ = 0;
};

}  // namespace app
