// Keeps one entry registered in etcd for as long as the program runs
// (SPEC "Registries across machines"): the key PREFIX/servers/<id> holds the
// entry's JSON, bound to a lease of `ttl_s` seconds that is renewed with one
// lease/keepalive POST every TTL/3 on a kept-alive connection.
//
// - The first registration's outcome goes to on_first: Ok, or the error
//   (every endpoint named) after which the registrar does nothing more, so a
//   program can exit 1 when etcd is unreachable at start.
// - Later failures (etcd down, no leader, a member gone) are retried with a
//   backoff doubling from 200 ms up to max_backoff_ms; on_unreachable is
//   called once per outage, on_registered_again once when it is over.
// - A lost lease (a renewal answered without TTL, or a write answered
//   "requested lease not found": it expired or was revoked) is granted anew
//   and the key written again.
// - The key is written with a create-if-absent txn. If the key exists, it
//   is ours from an earlier lease (ids are random per process: nobody else
//   writes it), so it is overwritten with a put bound to the new lease; the
//   old lease then owns nothing and expires.
// - stop() revokes the lease (the key goes at once), bounded by
//   revoke_timeout_ms, then calls `done`. Destroying the registrar without
//   stop() leaves the key to expire with its lease, as a crash would.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/etcd_client.h"
#include "app/one_shot.h"
#include "base/result.h"
#include "json/value.h"
#include "loop/event_loop.h"
#include "registry/etcd_url.h"

namespace app {

struct EtcdRegistrarOptions {
    int64_t ttl_s = 10;                // --lease-ttl; etcd's minimum is 2
    int64_t max_backoff_ms = 2000;     // between retries while etcd is unreachable
    int64_t revoke_timeout_ms = 1000;  // how long stop() waits for the revoke
    EtcdClientOptions client{};
};

struct EtcdRegistrarEvents {
    std::function<void(const Status&)> on_first;
    std::function<void(const Error&)> on_unreachable;
    std::function<void()> on_registered_again;
    std::function<void()> on_lease_lost;  // optional: a new lease is being granted
};

class EtcdRegistrar {
public:
    EtcdRegistrar(loop::EventLoop& loop, registry::EtcdTarget target, std::string password, std::string id,
                  json::Value entry, EtcdRegistrarEvents events, EtcdRegistrarOptions options = {});
    EtcdRegistrar(const EtcdRegistrar&) = delete;
    EtcdRegistrar& operator=(const EtcdRegistrar&) = delete;

    void start();
    // Revokes the lease, then `done` (from the loop; it may destroy the registrar).
    void stop(std::function<void()> done);

    const std::string& key() const noexcept { return key_; }
    int64_t lease() const noexcept { return lease_; }
    bool registered() const noexcept { return written_ && !reach_.down(); }
    uint64_t renewals() const noexcept { return renewals_; }  // keepalives answered with a TTL

private:
    void grant();
    void write();
    void overwrite();
    void renew();
    void registered_now();
    void write_failed(const Error& error);
    void failed(const Error& error);
    void retry();
    void finish_stop();

    EtcdClient client_;
    std::string key_;
    std::string value_;  // the entry's compact JSON
    EtcdRegistrarEvents events_;
    EtcdRegistrarOptions options_;
    OneShot timer_;       // the next renewal, or the next retry
    OneShot stop_timer_;  // bounds the revoke
    int64_t lease_ = 0;
    bool written_ = false;  // the key is bound to lease_
    Reachability reach_;
    uint64_t renewals_ = 0;
    std::function<void()> stopped_;
};

}  // namespace app
