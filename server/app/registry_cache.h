// registry-http's view of the registry file: the JSON array of live entries,
// rebuilt whenever the file changes (one stat() per request tells) and at
// least once a second for pid reuse, so that repeated requests cost a stat
// and a kill(pid, 0) per entry instead of a read, a parse and /proc lookups.
// A file replaced by a writer is never seen half-written: writers rename.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "registry/store.h"

namespace app {

class RegistryCache {
public:
    explicit RegistryCache(std::string path) : store_(std::move(path)) {}
    const std::string& path() const { return store_.path(); }
    // The current body; the pointer is valid until the next call.
    Result<const std::string*> json();
    // {"error": "<message>"} for a 500 answer.
    static std::string error_json(std::string_view message);

private:
    struct Identity {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = -1;
        int64_t modified_ns = -1;
        bool operator==(const Identity&) const = default;
    };
    bool still_valid(const Identity& now) const;

    registry::Store store_;
    Identity identity_;
    std::string body_;
    std::vector<pid_t> pids_;  // of the entries in body_
    int64_t built_ms_ = -1;    // monotonic; -1 = nothing cached
};

}  // namespace app
