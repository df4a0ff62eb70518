#include "app/etcd_registrar.h"

#include <algorithm>
#include <utility>

#include "json/writer.h"
#include "registry/etcd_codec.h"

namespace app {
namespace {
constexpr int64_t kFirstBackoffMs = 200;
namespace etcd = registry::etcd;

// etcd's answer to a write bound to a lease that expired or was revoked
// meanwhile (404, code 5): writing again with it can never work.
bool lease_gone(const Error& error) { return error.message.find("requested lease not found") != std::string::npos; }
}  // namespace

EtcdRegistrar::EtcdRegistrar(loop::EventLoop& loop, registry::EtcdTarget target, std::string password,
                             std::string id, json::Value entry, EtcdRegistrarEvents events,
                             EtcdRegistrarOptions options)
    : client_(loop, target, std::move(password), options.client),
      key_(target.key_for(id)),
      value_(json::to_string(entry, 0)),
      events_(std::move(events)),
      options_(options),
      timer_(loop),
      stop_timer_(loop),
      reach_(kFirstBackoffMs, options.max_backoff_ms) {}

void EtcdRegistrar::start() { grant(); }

void EtcdRegistrar::grant() {
    written_ = false;
    lease_ = 0;
    client_.call("lease/grant", etcd::grant_body(options_.ttl_s), [this](Result<std::string> answer) {
        if (!answer.ok()) return failed(answer.error());
        auto lease = etcd::parse_grant(answer.value());
        if (!lease.ok()) return failed(Error{"etcd " + client_.endpoint() + ": " + lease.error().message});
        lease_ = lease.value().id;
        write();
    });
}

void EtcdRegistrar::write() {
    client_.call("kv/txn", etcd::create_txn_body(key_, value_, lease_), [this](Result<std::string> answer) {
        if (!answer.ok()) return write_failed(answer.error());
        auto txn = etcd::parse_txn(answer.value());
        if (!txn.ok()) return failed(Error{"etcd " + client_.endpoint() + ": " + txn.error().message});
        if (!txn.value().succeeded) return overwrite();
        written_ = true;
        registered_now();
    });
}

// The key is there already: ours, from a lease before this one.
void EtcdRegistrar::overwrite() {
    client_.call("kv/put", etcd::put_body(key_, value_, lease_), [this](Result<std::string> answer) {
        if (!answer.ok()) return write_failed(answer.error());
        written_ = true;
        registered_now();
    });
}

// The retry grants a new lease when etcd says this one is gone.
void EtcdRegistrar::write_failed(const Error& error) {
    if (lease_gone(error)) lease_ = 0;
    failed(error);
}

void EtcdRegistrar::renew() {
    client_.call("lease/keepalive", etcd::keepalive_body(lease_), [this](Result<std::string> answer) {
        if (!answer.ok()) return failed(answer.error());
        auto ttl = etcd::parse_keepalive(answer.value());
        if (!ttl.ok()) return failed(Error{"etcd " + client_.endpoint() + ": " + ttl.error().message});
        if (!ttl.value()) {
            if (events_.on_lease_lost) events_.on_lease_lost();
            return grant();
        }
        ++renewals_;
        registered_now();
    });
}

void EtcdRegistrar::registered_now() {
    const Reachability::Turn turn = reach_.succeeded();
    if (turn == Reachability::Turn::first && events_.on_first) events_.on_first(Ok{});
    if (turn == Reachability::Turn::back && events_.on_registered_again) events_.on_registered_again();
    timer_.arm(std::max<int64_t>(options_.ttl_s * 1000 / 3, 1), [this] { renew(); });
}

void EtcdRegistrar::failed(const Error& error) {
    const Reachability::Turn turn = reach_.failed();
    if (turn == Reachability::Turn::first) {
        if (events_.on_first) events_.on_first(error);
        return;
    }
    if (turn == Reachability::Turn::down && events_.on_unreachable) events_.on_unreachable(error);
    timer_.arm(reach_.backoff_ms(), [this] { retry(); });
}

void EtcdRegistrar::retry() {
    if (lease_ == 0) return grant();
    if (!written_) return write();
    renew();  // the lease may have outlived the outage; if not, the answer says so
}

void EtcdRegistrar::stop(std::function<void()> done) {
    stopped_ = std::move(done);
    timer_.cancel();
    client_.cancel();
    if (lease_ == 0) {
        stop_timer_.arm(0, [this] { finish_stop(); });
        return;
    }
    stop_timer_.arm(options_.revoke_timeout_ms, [this] { finish_stop(); });
    client_.call("lease/revoke", etcd::revoke_body(lease_), [this](Result<std::string>) { finish_stop(); });
}

void EtcdRegistrar::finish_stop() {
    stop_timer_.cancel();
    client_.cancel();
    lease_ = 0;
    written_ = false;
    auto done = std::move(stopped_);
    stopped_ = nullptr;
    if (done) done();
}

}  // namespace app
