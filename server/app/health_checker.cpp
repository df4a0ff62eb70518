#include "app/health_checker.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <utility>

#include "net/http_client.h"
#include "registry/entry.h"

namespace app {

namespace {

constexpr size_t kMaxBody = 64 * 1024;  // a /healthz body is ~150 bytes; more is not one

bool is_numeric_address(const std::string& text) {
    in_addr v4{};
    in6_addr v6{};
    return ::inet_pton(AF_INET, text.c_str(), &v4) == 1 || ::inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

std::string id_of(const json::Value& entry) {
    const json::Value* id = entry.find("id");
    return id != nullptr ? id->as_string() : std::string();
}

}  // namespace

// One GET /healthz in flight. Its outcome goes to the Prober; the client's own
// timeouts are longer than the Prober's, which abandons a silent probe first
// (and calls it unresponsive).
class HealthChecker::Probe final : public net::HttpResponseHandler {
public:
    Probe(HealthChecker& owner, registry::Prober::Probe probe, const std::string& address)
        : owner_(owner),
          probe_(std::move(probe)),
          client_(owner.loop_, address, static_cast<uint16_t>(probe_.port), client_options()) {}

    uint64_t number() const { return probe_.number; }
    const std::string& id() const { return probe_.id; }
    Status start() {
        net::HttpRequest request;
        request.target = "/healthz";
        request.headers = {{"Connection", "close"}};
        request.retry_if_idle_closed = 0;
        return client_.request(request, *this);
    }
    void cancel() { client_.cancel(); }

    void on_head(const http::Response&) noexcept override {}
    void on_body(std::string_view piece) noexcept override {
        if (body_.size() + piece.size() <= kMaxBody) body_ += piece;
        else too_big_ = true;
    }
    void on_done() noexcept override {
        owner_.settle(*this, [&] { owner_.prober_.answered(probe_.id, probe_.number, too_big_ ? "" : body_); });
    }
    void on_error(const Error& error) noexcept override {
        // The client's messages are "<endpoint>: <what happened>".
        std::string_view what = error.message;
        if (what.starts_with(client_.endpoint() + ": ")) what.remove_prefix(client_.endpoint().size() + 2);
        if (what.starts_with("no connection within") || what.starts_with("no response within")) return;
        // Nothing accepts there (refused, or no route): refused. A connection
        // that broke or closed without a whole answer: an answer that is not
        // a /healthz body.
        const bool refused = what == "connection refused" || what.starts_with("connect: ");
        owner_.settle(*this, [&] {
            if (refused) owner_.prober_.refused(probe_.id, probe_.number);
            else owner_.prober_.answered(probe_.id, probe_.number, "");
        });
    }

private:
    static net::HttpClientOptions client_options() {
        net::HttpClientOptions options;
        options.connect_timeout_ms = registry::kProbeTimeoutMs + 1000;
        options.response_timeout_ms = registry::kProbeTimeoutMs + 1000;
        return options;
    }

    HealthChecker& owner_;
    registry::Prober::Probe probe_;
    net::HttpClient client_;
    std::string body_;
    bool too_big_ = false;
};

HealthChecker::HealthChecker(loop::EventLoop& loop, std::function<void()> on_change)
    : loop_(loop), on_change_(std::move(on_change)), prober_([] { return loop::monotonic_ms(); }) {}

HealthChecker::~HealthChecker() {
    loop_.cancel(timer_);
    for (const std::shared_ptr<Probe>& probe : probes_) probe->cancel();
}

std::string HealthChecker::probe_address(const json::Value& entry) {
    const json::Value* url = entry.find("url");
    std::string address = registry::url_address(url != nullptr && url->is_string() ? url->as_string() : "");
    return is_numeric_address(address) ? address : std::string();
}

std::string HealthChecker::address_of(const std::string& id) const {
    for (const auto& [known, address] : addresses_)
        if (known == id) return address;
    return {};
}

void HealthChecker::set_entries(const std::vector<json::Value>& entries) {
    std::vector<json::Value> probed;
    std::vector<std::pair<std::string, std::string>> addresses;
    for (const json::Value& entry : entries) {
        std::string address = probe_address(entry);
        if (address.empty()) continue;  // stays "unknown"
        addresses.emplace_back(id_of(entry), std::move(address));
        probed.push_back(entry);
    }
    std::vector<registry::Prober::Target> targets = registry::Prober::targets_of(probed);
    // The Prober knows ports, not addresses: an entry that moved to another
    // address is forgotten first, so it is probed afresh.
    std::vector<registry::Prober::Target> staying;
    for (const registry::Prober::Target& target : targets) {
        const std::string before = address_of(target.id);
        const auto now =
            std::find_if(addresses.begin(), addresses.end(), [&](const auto& a) { return a.first == target.id; });
        if (before.empty() || now == addresses.end() || now->second == before) staying.push_back(target);
    }
    // A target that changed (another port, instance or address) starts again
    // from "unknown": what was shown for it no longer holds, so the next run
    // tells on_change (never from inside this call).
    std::vector<json::Value> shown_before;
    for (const registry::Prober::Target& target : targets) shown_before.push_back(health_of(target.id));
    if (staying.size() != targets.size()) prober_.set_targets(staying);
    prober_.set_targets(targets);
    addresses_ = std::move(addresses);
    for (size_t i = 0; i < targets.size() && !reset_; ++i) reset_ = !(health_of(targets[i].id) == shown_before[i]);
    arm();
}

json::Value HealthChecker::decorate(const json::Value& entry) const { return prober_.with_health(entry); }

json::Value HealthChecker::health_of(const std::string& id) const {
    return prober_.with_health(json::Value::object({{"id", json::Value::string(id)}}));
}

void HealthChecker::run() noexcept {
    registry::Prober::Work work = prober_.poll();
    for (const registry::Prober::Probe& gone : work.abandon) drop(gone.number);
    for (registry::Prober::Probe& due : work.start) {
        const std::string address = address_of(due.id);
        auto probe = std::make_shared<Probe>(*this, std::move(due), address);
        if (Status started = probe->start(); !started.ok()) {
            prober_.refused(probe->id(), probe->number());  // nothing was sent
            continue;
        }
        probes_.push_back(std::move(probe));
    }
    const bool changed = !prober_.take_changes().empty() || std::exchange(reset_, false);
    arm();
    if (changed) on_change_();
}

void HealthChecker::settle(Probe& probe, const std::function<void()>& outcome) noexcept {
    // What decorate() shows for this entry, before and after: its status and
    // counters (the uptime is not shown, so it changes nothing).
    const json::Value before = health_of(probe.id());
    outcome();
    prober_.take_changes();
    const bool changed = !(health_of(probe.id()) == before);
    drop(probe.number());  // `probe` lives until the loop's batch ends
    arm();
    if (changed) on_change_();
}

void HealthChecker::drop(uint64_t number) noexcept {
    auto it = std::find_if(probes_.begin(), probes_.end(), [&](const auto& p) { return p->number() == number; });
    if (it == probes_.end()) return;
    (*it)->cancel();
    // Not destroyed here: this may run inside the probe's own callback.
    loop_.defer([probe = std::move(*it)]() mutable { probe.reset(); });
    probes_.erase(it);
}

void HealthChecker::arm() noexcept {
    const std::optional<int64_t> next = prober_.next_poll_ms();
    if (timer_ != 0 && next && *next == timer_due_ms_) return;
    loop_.cancel(timer_);
    timer_ = 0;
    if (!next) return;
    timer_due_ms_ = *next;
    timer_ = loop_.every(std::max<int64_t>(1, *next - loop::monotonic_ms()), [this] {
        loop_.cancel(timer_);
        timer_ = 0;
        run();
    });
}

}  // namespace app
