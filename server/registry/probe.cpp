#include "registry/probe.h"

#include <algorithm>
#include <utility>

#include "json/reader.h"

namespace registry {

std::string_view health_name(Health health) {
    switch (health) {
        case Health::unknown: return "unknown";
        case Health::live: return "live";
        case Health::refused: return "refused";
        case Health::unresponsive: return "unresponsive";
        case Health::impostor: return "impostor";
    }
    return "unknown";
}

namespace {
Error healthz_error(std::string_view what) { return Error{"/healthz: " + std::string(what)}; }
}  // namespace

Result<HealthReport> parse_healthz(std::string_view body) {
    auto parsed = json::parse(body);
    if (!parsed.ok()) return healthz_error("not JSON: " + parsed.error().message);
    const json::Value& value = parsed.value();
    if (!value.is_object()) return healthz_error("not a JSON object");
    HealthReport report;
    for (auto [key, out] : {std::pair{"id", &report.id}, std::pair{"instance", &report.instance}}) {
        const json::Value* field = value.find(key);
        if (field == nullptr || !field->is_string() || field->as_string().empty())
            return healthz_error("\"" + std::string(key) + "\" is not a non-empty string");
        *out = field->as_string();
    }
    for (auto [key, out] : {std::pair{"connections", &report.connections}, std::pair{"messages", &report.messages},
                            std::pair{"uptimeMs", &report.uptime_ms}}) {
        const json::Value* field = value.find(key);
        const std::optional<int64_t> number = field != nullptr ? field->as_int() : std::nullopt;
        if (!number || *number < 0) return healthz_error("\"" + std::string(key) + "\" is not a non-negative integer");
        *out = *number;
    }
    return report;
}

std::vector<Prober::Target> Prober::targets_of(const std::vector<json::Value>& entries) {
    std::vector<Target> targets;
    for (const json::Value& entry : entries) {
        const json::Value* id = entry.find("id");
        const json::Value* port = entry.find("port");
        const json::Value* instance = entry.find("instance");
        const std::optional<int64_t> port_number = port != nullptr ? port->as_int() : std::nullopt;
        if (id == nullptr || id->as_string().empty() || !port_number || *port_number < 1 || *port_number > 65535)
            continue;
        targets.push_back(Target{id->as_string(), static_cast<int>(*port_number),
                                 instance != nullptr ? instance->as_string() : std::string()});
    }
    return targets;
}

Prober::State* Prober::find(const std::string& id) {
    for (State& state : states_)
        if (state.target.id == id) return &state;
    return nullptr;
}

const Prober::State* Prober::find(const std::string& id) const {
    for (const State& state : states_)
        if (state.target.id == id) return &state;
    return nullptr;
}

Prober::State* Prober::current(const std::string& id, uint64_t number) {
    State* state = find(id);
    return state != nullptr && number != 0 && state->in_flight == number ? state : nullptr;
}

void Prober::set_targets(const std::vector<Target>& targets) {
    const int64_t now = clock_();
    std::vector<State> next;
    for (const Target& target : targets) {
        if (std::any_of(next.begin(), next.end(), [&](const State& s) { return s.target.id == target.id; })) continue;
        State* old = find(target.id);
        if (old != nullptr && old->target == target) {
            next.push_back(std::move(*old));
            old->target.id.clear();  // taken: not abandoned below
            continue;
        }
        State fresh;
        fresh.target = target;
        fresh.due_ms = now;
        next.push_back(std::move(fresh));
    }
    for (const State& gone : states_)
        if (gone.in_flight != 0 && !gone.target.id.empty())
            pending_abandon_.push_back(Probe{gone.target.id, gone.target.port, gone.in_flight});
    states_ = std::move(next);
}

void Prober::settle(State& state, Health health) {
    if (state.health != health) changes_.push_back(Change{state.target.id, state.health, health});
    state.health = health;
    if (health != Health::live) state.report.reset();
    state.in_flight = 0;
    state.due_ms = state.started_ms + (health == Health::refused ? kRefusedRetryMs : kProbeIntervalMs);
}

Prober::Work Prober::poll() {
    const int64_t now = clock_();
    Work work;
    work.abandon = std::move(pending_abandon_);
    pending_abandon_.clear();
    for (State& state : states_) {
        if (state.in_flight != 0 && now - state.started_ms >= kProbeTimeoutMs) {
            work.abandon.push_back(Probe{state.target.id, state.target.port, state.in_flight});
            settle(state, Health::unresponsive);
        }
        if (state.in_flight == 0 && now >= state.due_ms) {
            state.in_flight = next_number_++;
            state.started_ms = now;
            work.start.push_back(Probe{state.target.id, state.target.port, state.in_flight});
        }
    }
    return work;
}

std::optional<int64_t> Prober::next_poll_ms() const {
    std::optional<int64_t> next;
    if (!pending_abandon_.empty()) next = clock_();
    for (const State& state : states_) {
        const int64_t at = state.in_flight != 0 ? state.started_ms + kProbeTimeoutMs : state.due_ms;
        if (!next || at < *next) next = at;
    }
    return next;
}

void Prober::refused(const std::string& id, uint64_t number) {
    if (State* state = current(id, number)) settle(*state, Health::refused);
}

void Prober::answered(const std::string& id, uint64_t number, std::string_view body) {
    State* state = current(id, number);
    if (state == nullptr) return;
    auto report = parse_healthz(body);
    if (!report.ok()) {
        settle(*state, state->target.instance.empty() ? Health::live : Health::impostor);
        return;
    }
    const bool same = report.value().id == state->target.id &&
                      (state->target.instance.empty() || report.value().instance == state->target.instance);
    if (!same) {
        settle(*state, Health::impostor);
        return;
    }
    state->report = std::move(report.value());
    settle(*state, Health::live);
}

std::vector<Prober::Change> Prober::take_changes() { return std::exchange(changes_, {}); }

Health Prober::health(const std::string& id) const {
    const State* state = find(id);
    return state != nullptr ? state->health : Health::unknown;
}

json::Value Prober::with_health(const json::Value& entry) const {
    json::Value out = entry;
    const State* state = find(entry.find("id") != nullptr ? entry.find("id")->as_string() : std::string());
    out.set("status", json::Value::string(std::string(health_name(state != nullptr ? state->health : Health::unknown))));
    if (state != nullptr && state->report) {
        out.set("connections", json::Value::number(state->report->connections));
        out.set("messages", json::Value::number(state->report->messages));
    }
    return out;
}

}  // namespace registry
