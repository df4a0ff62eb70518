// The registry file on disk: {"servers": [...]} in the seeds' 2-space layout
// (compact when indented it would pass kMaxFileBytes). Writers serialise on
// flock(LOCK_EX) of "<path>.lock" (created 0600, never deleted, so every
// writer locks the same inode) and replace the file atomically: mkstemp in
// the same folder, write, fsync, rename, fsync the folder. Readers never lock
// and never write: rename makes every read see a whole old or a whole new
// file. Nothing is ever truncated in place. The folder must be ours and
// writable by nobody else (file_io.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "json/value.h"
#include "registry/entry.h"
#include "registry/file_io.h"

namespace registry {

// flag_value if not empty, else $PEER_PLAN_REGISTRY if not empty, else
// $HOME/.peer-plan/servers.json (the password database's home when $HOME is
// unset). "" only when none of these exist.
std::string resolve_path(std::string_view flag_value);

class Store {
public:
    explicit Store(std::string path);
    const std::string& path() const { return path_; }
    // How update() waits for the lock (default: 10 s, not interruptible).
    void set_lock_wait(LockWait wait) { lock_wait_ = std::move(wait); }

    // Under the lock: read the file (missing or empty = {"servers": []}); one
    // that is not valid JSON, or not an object with a "servers" array, is
    // renamed to "<path>.corrupt-<unix ms>" with a warning (base::warn) naming
    // line and column, and a fresh registry is started. Then `change` edits the
    // servers array (other top-level members and unknown entry fields are
    // kept) and the result replaces the file. A file over kMaxFileBytes is
    // moved aside the same way. A result the reader would refuse (over
    // kMaxFileBytes even compact) is an Error and the old file stays. The
    // folder is created (0700, last component only) if missing and must be
    // trusted (check_trusted_folder); the file is always created 0600.
    // Temporary files of killed writers are swept (remove_stale_temps).
    Status update(const std::function<void(json::Value::Array& servers)>& change);

    // The whole document, without locking or writing. A missing file or
    // folder (or an empty file) is {"servers": []}. A corrupt file is an
    // Error "<path> line 4, column 17: expected ',' or '}'" and stays put.
    Result<json::Value> read() const;

private:
    std::string path_;
    LockWait lock_wait_;
};

// One update: drop entries with the same address and port (same_endpoint),
// drop entries that are not live (entry_is_live), append the new one.
Status register_entry(Store& store, const Entry& entry);
// The same for an entry with more fields than Entry knows (name, kind, meta,
// ...): it must hold at least an integer "port" and a string "id".
Status register_entry(Store& store, json::Value entry);
// The same, with `before_visible` called under the lock once the entry is
// sure to go in, just before the file that holds it replaces the old one: a
// server listens there, so that nobody who reads the entry finds the port
// closed, and nobody finds it open while the lock is still awaited. An error
// from it keeps the entry out (the file is written without it) and is returned.
Status register_entry(Store& store, json::Value entry, const std::function<Status()>& before_visible);
// One update: remove the entries with this id, nothing else.
Status unregister_entry(Store& store, std::string_view id);
// read(), keeping only the entries for which entry_is_live holds.
Result<json::Value::Array> live_entries(const Store& store);

}  // namespace registry
