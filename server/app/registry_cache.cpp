#include "app/registry_cache.h"

#include <sys/stat.h>

#include "base/stat_time.h"
#include "json/writer.h"
#include "loop/event_loop.h"
#include "registry/process.h"

namespace app {

namespace {
constexpr int64_t kRecheckMs = 1'000;  // how stale a pid-reuse check may be
}

bool RegistryCache::still_valid(const Identity& now) const {
    if (built_ms_ < 0 || !(now == identity_) || loop::monotonic_ms() - built_ms_ >= kRecheckMs) return false;
    for (pid_t pid : pids_)
        if (!registry::pid_exists(pid)) return false;  // a server died without unregistering
    return true;
}

Result<const std::string*> RegistryCache::json() {
    struct stat st {};
    Identity now;
    if (::stat(store_.path().c_str(), &st) == 0) {
        now = Identity{st.st_dev, st.st_ino, st.st_size, static_cast<int64_t>(base::mtime_ns(st))};
    }
    if (still_valid(now)) return &body_;
    auto entries = registry::live_entries(store_);
    if (!entries.ok()) {
        built_ms_ = -1;
        return entries.error();
    }
    pids_.clear();
    for (const json::Value& entry : entries.value())
        if (const json::Value* pid = entry.find("pid"); pid && pid->as_int()) pids_.push_back(static_cast<pid_t>(*pid->as_int()));
    body_ = json::to_string(json::Value::array(std::move(entries.value())), 2);
    identity_ = now;
    built_ms_ = loop::monotonic_ms();
    return &body_;
}

std::string RegistryCache::error_json(std::string_view message) {
    std::string out = "{\"error\": ";
    json::append_escaped(out, message);
    out += "}\n";
    return out;
}

}  // namespace app
