// The seam between the programs and the two registries: the file (a --registry
// PATH) and etcd (--registry etcd://...). A main picks one here, from the flag,
// and then speaks only to what it gets back, never to both stores.
//
// The etcd password comes from --etcd-password-file PATH, else from the file
// that $PEER_PLAN_ETCD_PASSWORD_FILE names; never from argv, where every user
// of the machine can read it (ps). The file must not be readable by group or
// others (as ssh asks of a key); its first line is the password.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/flags.h"
#include "app/live_registry.h"
#include "base/result.h"
#include "json/value.h"
#include "loop/event_loop.h"
#include "registry/etcd_url.h"

namespace app {

inline constexpr std::string_view kPasswordFileVariable = "PEER_PLAN_ETCD_PASSWORD_FILE";
inline constexpr int64_t kDefaultLeaseTtlMs = 10'000;
inline constexpr int64_t kMinLeaseTtlMs = 2'000;  // etcd's minimum lease

// What the command line says about the registry.
struct RegistryFlags {
    std::string registry;           // --registry: a path, or etcd://...; "" = the default file
    std::string password_file;      // --etcd-password-file
    int64_t lease_ttl_ms = kDefaultLeaseTtlMs;  // --lease-ttl
    int64_t lock_timeout_ms = 10'000;           // --lock-timeout (the file's lock)
};

bool is_etcd(const RegistryFlags& flags);

// --registry and --etcd-password-file; with `lease`, --lease-ttl; with
// `lock`, --lock-timeout.
struct RegistryFlagSet {
    bool lease = false;
    bool lock = false;
};
void add_registry_flags(Flags& flags, RegistryFlags& target, RegistryFlagSet set);

// The password file's first line (without its line end). An Error names the
// file and what is wrong: missing, not a regular file, readable by others,
// empty.
Result<std::string> read_password_file(const std::string& path);

// The etcd registry a --registry etcd://... names, with the password its user
// needs (empty without a user). Errors: a bad URL, a user without a password
// file, a password file without a user, an unreadable password file, a
// --lease-ttl that is not whole seconds.
struct EtcdAccess {
    registry::EtcdTarget target;
    std::string password;
    std::string url;  // as given
};
Result<EtcdAccess> etcd_access(const RegistryFlags& flags);

// Keeps one server's entry in the registry while it runs.
class Announcer {
public:
    virtual ~Announcer() = default;
    // Puts `entry` (an object with at least "id" and "port") in the registry.
    // `open` (if set) is called once, just before the entry can be seen: the
    // file calls it under the registry's lock, etcd before its first write;
    // a server starts listening there, and an error from it fails the start.
    // `ready` gets the outcome of the first attempt: the file calls it before
    // start() returns; etcd from the loop, an Error when no endpoint answers.
    // After a success etcd keeps the entry there by itself (renewals, a new
    // lease when one is lost, retries while etcd is away).
    virtual void start(json::Value entry, std::function<Status()> open, std::function<void(Status)> ready) = 0;
    // From the loop, when stopping: etcd revokes the lease, then `done`; the
    // file only calls `done` (its entry goes in finish()).
    virtual void stop(std::function<void()> done) = 0;
    // After the loop stopped: the file removes the entry (waiting for its
    // lock; app::catch_stop_signals() first lets a stop signal cut that
    // short). Errors say what and where.
    virtual Status finish() = 0;
    // Where the entry is: the file's path, or the etcd URL.
    virtual std::string where() const = 0;
};

// The announcer for `flags` on `loop`, or an Error for a bad etcd URL or
// password file (a usage problem: the caller exits 2 or 1 as it sees fit).
Result<std::unique_ptr<Announcer>> make_announcer(const RegistryFlags& flags, loop::EventLoop& loop);

// What feeds registry-http's live set: the file (app::FileSource: its live
// entries, each process watched) or etcd (app::EtcdFollower: every entry
// under the prefix; no pid check, a pid of another machine means nothing
// here: the lease removes a dead server).
class Source {
public:
    virtual ~Source() = default;
    virtual std::string where() const = 0;  // the file's path, or the etcd URL
};
// Starts publishing into `live`. `ready` gets the first read's outcome (the
// file: before this returns, always Ok; etcd: from the loop, an Error when no
// endpoint answers).
Result<std::unique_ptr<Source>> start_source(const RegistryFlags& flags, loop::EventLoop& loop, LiveRegistry& live,
                                             std::function<void(Status)> ready);

// Every entry of the registry now, without a loop of the caller's: the
// file's live entries, or one range read of etcd (peer-plan list).
Result<std::vector<json::Value>> list_entries(const RegistryFlags& flags);
// Exactly what GET /api/registry serves for `entries` (peer-plan list --json).
std::string api_registry_body(std::vector<json::Value> entries);

}  // namespace app
