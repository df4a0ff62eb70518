// Health of the live entries (SPEC "Live registry"), as a state machine with
// an injected clock and no I/O: the Prober says which probes to start and
// which to abandon; whoever owns the sockets connects to 127.0.0.1:port,
// sends GET /healthz and reports what happened. Per entry at most one probe
// is in flight; an entry is probed as soon as it appears or changes (another
// port or instance) and then every kProbeIntervalMs (kRefusedRetryMs while
// it is refused); a probe not answered
// within kProbeTimeoutMs is abandoned and the entry is `unresponsive`.
//
// Outcomes: a refused connection is `refused`. An answer is `live`, unless it
// is a ws-server /healthz body that names another id or instance than the
// entry (`impostor`), or the entry has an `instance` (ws-server writes one)
// and the answer is not a /healthz body at all (another program holds the
// port: `impostor` too). Entries without an instance accept any answer.
// A connection closed without an answer counts as an answer that is not a
// /healthz body. Before the first outcome an entry is `unknown`.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "json/value.h"

namespace registry {

inline constexpr int64_t kProbeIntervalMs = 10'000;
inline constexpr int64_t kProbeTimeoutMs = 2'000;
// A refused entry is probed again sooner: a server may write its entry just
// before it listens (ws-server does), and a refused connect costs nothing.
inline constexpr int64_t kRefusedRetryMs = 1'000;

enum class Health : uint8_t { unknown, live, refused, unresponsive, impostor };
std::string_view health_name(Health health);  // "unknown", "live", ...

// ws-server's answer to GET /healthz:
// {"id":"...","instance":"...","connections":N,"messages":N,"uptimeMs":N}.
struct HealthReport {
    std::string id;
    std::string instance;
    int64_t connections = 0;
    int64_t messages = 0;
    int64_t uptime_ms = 0;
};
// Errors name the field: "/healthz: not JSON: line 1, column 2: ...",
// "/healthz: \"connections\" is not a non-negative integer".
Result<HealthReport> parse_healthz(std::string_view body);

class Prober {
public:
    using Clock = std::function<int64_t()>;  // monotonic ms
    explicit Prober(Clock clock) : clock_(std::move(clock)) {}

    struct Target {
        std::string id;
        int port = 0;
        std::string instance;  // "" when the entry has none
        bool operator==(const Target&) const = default;
    };
    // The targets of the entries that have an id and a port in 1..65535.
    static std::vector<Target> targets_of(const std::vector<json::Value>& entries);

    // The live set now. New targets and changed ones (port or instance) are
    // due at once (a changed one's probe in flight is abandoned); gone ones
    // are forgotten, their probe abandoned.
    void set_targets(const std::vector<Target>& targets);

    struct Probe {
        std::string id;
        int port = 0;
        uint64_t number = 0;  // pass back with the outcome; stale numbers are ignored
    };
    struct Work {
        std::vector<Probe> start;    // connect and ask
        std::vector<Probe> abandon;  // close, the outcome no longer counts
    };
    // Due probes to start and overdue ones to abandon (now unresponsive).
    Work poll();
    // When poll() has work next (clock ms), or nullopt with no targets.
    std::optional<int64_t> next_poll_ms() const;

    void refused(const std::string& id, uint64_t number);
    // An HTTP answer's body (or "" when the peer closed without one).
    void answered(const std::string& id, uint64_t number, std::string_view body);

    struct Change {
        std::string id;
        Health from;
        Health to;
    };
    // The status changes since the last call, in the order they happened.
    std::vector<Change> take_changes();

    Health health(const std::string& id) const;
    // The entry with "status" and, from a live ws-server, "connections" and
    // "messages" set (replacing any the entry had).
    json::Value with_health(const json::Value& entry) const;

private:
    struct State {
        Target target;
        Health health = Health::unknown;
        std::optional<HealthReport> report;  // last live ws-server answer
        uint64_t in_flight = 0;              // probe number, 0 = none
        int64_t started_ms = 0;
        int64_t due_ms = 0;
    };
    State* find(const std::string& id);
    const State* find(const std::string& id) const;
    State* current(const std::string& id, uint64_t number);  // the probe in flight, or nullptr
    void settle(State& state, Health health);

    Clock clock_;
    std::vector<State> states_;
    std::vector<Probe> pending_abandon_;
    std::vector<Change> changes_;
    uint64_t next_number_ = 1;
};

}  // namespace registry
