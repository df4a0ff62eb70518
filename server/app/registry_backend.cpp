#include "app/registry_backend.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "app/program.h"
#include "base/unique_fd.h"
#include "registry/store.h"

namespace app {
namespace {

std::string octal(unsigned mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", mode & 07777);
    return text;
}

class FileAnnouncer final : public Announcer {
public:
    FileAnnouncer(const RegistryFlags& flags) : store_(registry::resolve_path(flags.registry)) {
        store_.set_lock_wait({flags.lock_timeout_ms, pause_unless_stopped});
    }

    void start(json::Value entry, std::function<void(Status)> ready) override {
        if (store_.path().empty()) return ready(Error{"no registry path: pass --registry PATH, or set PEER_PLAN_REGISTRY or HOME"});
        id_ = entry.find("id") ? entry.find("id")->as_string() : std::string();
        Status st = registry::register_entry(store_, std::move(entry));
        if (!st.ok()) return ready(Error{"cannot register in " + store_.path() + ": " + st.error().message});
        registered_ = true;
        ready(Ok{});
    }

    void stop(std::function<void()> done) override { done(); }

    Status finish() override {
        if (!registered_) return Ok{};
        catch_stop_signals();  // a further signal cuts a wait for the lock short
        registered_ = false;
        if (Status st = registry::unregister_entry(store_, id_); !st.ok())
            return Error{"cannot remove " + id_ + " from " + store_.path() + ": " + st.error().message +
                         " (the next server to start drops the entry: its process is gone)"};
        return Ok{};
    }

    std::string where() const override { return store_.path(); }

private:
    registry::Store store_;
    std::string id_;
    bool registered_ = false;
};

}  // namespace

bool is_etcd(const RegistryFlags& flags) { return flags.registry.starts_with("etcd://"); }

void add_registry_flags(Flags& flags, RegistryFlags& target, RegistryFlagSet set) {
    flags.add_path("registry",
                   "registry file (else $PEER_PLAN_REGISTRY, else ~/.peer-plan/servers.json), or etcd: "
                   "etcd://[USER@]HOST:PORT[,HOST:PORT...][/PREFIX] (docs/etcd.md)",
                   &target.registry);
    flags.add_path("etcd-password-file",
                   "etcd: the password of the URL's USER, the first line of this file (else the file "
                   "$PEER_PLAN_ETCD_PASSWORD_FILE names); never on the command line",
                   &target.password_file);
    if (set.lease)
        flags.add_duration("lease-ttl", "etcd: the entry's lease; a crashed server's entry is gone after it",
                           &target.lease_ttl_ms, kMinLeaseTtlMs);
    if (set.lock)
        flags.add_duration("lock-timeout", "wait this long for the registry lock, then exit 1",
                           &target.lock_timeout_ms, 0);
}

Result<std::string> read_password_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd) return sys_error("password file " + path);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return sys_error("password file " + path);
    if (!S_ISREG(info.st_mode)) return Error{"password file " + path + ": not a regular file"};
    if (info.st_mode & 077)
        return Error{"password file " + path + ": mode " + octal(info.st_mode) +
                     " lets other users read it; chmod 600 " + path};
    std::string text;
    char chunk[512];
    for (ssize_t got; (got = ::read(fd.get(), chunk, sizeof chunk)) != 0;) {
        if (got < 0) return sys_error("password file " + path);
        text.append(chunk, static_cast<size_t>(got));
        if (text.size() > 4096) return Error{"password file " + path + ": longer than 4096 bytes"};
    }
    text = text.substr(0, text.find('\n'));
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty()) return Error{"password file " + path + ": the first line is empty"};
    return text;
}

Result<std::unique_ptr<Announcer>> make_announcer(const RegistryFlags& flags, loop::EventLoop& loop) {
    (void)loop;
    if (is_etcd(flags)) return Error{"--registry " + flags.registry + ": etcd is not supported by this build"};
    return std::unique_ptr<Announcer>(std::make_unique<FileAnnouncer>(flags));
}

}  // namespace app
