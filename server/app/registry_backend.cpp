#include "app/registry_backend.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "app/etcd_follower.h"
#include "app/etcd_registrar.h"
#include "app/file_source.h"
#include "app/program.h"
#include "base/log.h"
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

    void start(json::Value entry, std::function<Status()> open, std::function<void(Status)> ready) override {
        if (store_.path().empty()) return ready(Error{"no registry path: pass --registry PATH, or set PEER_PLAN_REGISTRY or HOME"});
        id_ = entry.find("id") ? entry.find("id")->as_string() : std::string();
        std::optional<Error> not_opened;  // open's own error, told as it is
        Status st = registry::register_entry(store_, std::move(entry), [&]() -> Status {
            Status opened = open ? open() : Status(Ok{});
            if (!opened.ok()) not_opened = opened.error();
            return opened;
        });
        if (not_opened) return ready(*not_opened);
        if (!st.ok()) return ready(Error{"cannot register in " + store_.path() + ": " + st.error().message});
        registered_ = true;
        ready(Ok{});
    }

    void stop(std::function<void()> done) override { done(); }

    Status finish() override {
        if (!registered_) return Ok{};
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

class EtcdAnnouncer final : public Announcer {
public:
    EtcdAnnouncer(loop::EventLoop& loop, EtcdAccess access, int64_t ttl_ms)
        : loop_(loop), access_(std::move(access)), ttl_s_(ttl_ms / 1000) {}

    void start(json::Value entry, std::function<Status()> open, std::function<void(Status)> ready) override {
        if (open) {
            if (Status opened = open(); !opened.ok()) return ready(opened);
        }
        const std::string id = entry.find("id") ? entry.find("id")->as_string() : std::string();
        EtcdRegistrarEvents events;
        events.on_first = [this, ready = std::move(ready)](const Status& st) {
            if (!st.ok()) return ready(Error{"cannot register in " + access_.url + ": " + st.error().message});
            ready(Ok{});
        };
        events.on_unreachable = [this](const Error& why) {
            base::warn("registry " + access_.url + " unreachable (" + why.message +
                       "); still serving, registering again when it is back");
        };
        events.on_registered_again = [this] { base::info("registered again in " + access_.url); };
        EtcdRegistrarOptions options;
        options.ttl_s = ttl_s_;
        registrar_ = std::make_unique<EtcdRegistrar>(loop_, access_.target, access_.password, id, std::move(entry),
                                                     std::move(events), options);
        registrar_->start();
    }

    void stop(std::function<void()> done) override {
        if (!registrar_) return done();
        registrar_->stop(std::move(done));
    }

    Status finish() override { return Ok{}; }
    std::string where() const override { return access_.url; }

private:
    loop::EventLoop& loop_;
    EtcdAccess access_;
    int64_t ttl_s_;
    std::unique_ptr<EtcdRegistrar> registrar_;
};

class FileFeed final : public Source {
public:
    explicit FileFeed(std::unique_ptr<FileSource> source) : source_(std::move(source)) {}
    std::string where() const override { return source_->path(); }

private:
    std::unique_ptr<FileSource> source_;
};

class EtcdFeed final : public Source {
public:
    EtcdFeed(loop::EventLoop& loop, EtcdAccess access, LiveRegistry& live, std::function<void(Status)> ready)
        : url_(access.url) {
        EtcdFollowerEvents events;
        events.on_set = [&live](const std::vector<json::Value>& entries) { live.publish(entries); };
        events.on_first = [this, ready = std::move(ready)](const Status& st) {
            if (!st.ok()) return ready(Error{"cannot read " + url_ + ": " + st.error().message});
            ready(Ok{});
        };
        events.on_unreachable = [this](const Error& why) {
            base::warn("registry " + url_ + " unreachable (" + why.message +
                       "); serving the last entries read, reading again when it is back");
        };
        events.on_reachable = [this] { base::info("registry " + url_ + " reachable again"); };
        events.on_skipped = [](const std::string& key, const std::string& problem) {
            base::warn("etcd key " + key + " left out: " + problem);
        };
        follower_ = std::make_unique<EtcdFollower>(loop, access.target, access.password, std::move(events));
        follower_->start();
    }
    std::string where() const override { return url_; }

private:
    std::string url_;
    std::unique_ptr<EtcdFollower> follower_;
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

Result<EtcdAccess> etcd_access(const RegistryFlags& flags) {
    auto target = registry::parse_etcd_url(flags.registry);
    if (!target.ok()) return Error{"--registry: " + target.error().message};
    if (flags.lease_ttl_ms % 1000 != 0)
        return Error{"--lease-ttl " + format_duration(flags.lease_ttl_ms) + ": etcd leases are whole seconds"};
    EtcdAccess access{std::move(target.value()), "", flags.registry};
    std::string file = flags.password_file;
    std::string named_by = "--etcd-password-file";
    if (file.empty()) {
        const char* variable = std::getenv(std::string(kPasswordFileVariable).c_str());
        if (variable && *variable) file = variable, named_by = "$" + std::string(kPasswordFileVariable);
    }
    if (access.target.user.empty()) {
        if (!file.empty())
            return Error{named_by + " " + file + ": the URL names no user (etcd://USER@HOST:PORT) to log in with"};
        return access;
    }
    if (file.empty())
        return Error{"--registry " + flags.registry + ": user '" + access.target.user +
                     "' needs a password: --etcd-password-file PATH, or $" + std::string(kPasswordFileVariable) +
                     "=PATH (a file only you can read; never on the command line)"};
    auto password = read_password_file(file);
    if (!password.ok()) return Error{named_by + ": " + password.error().message};
    access.password = std::move(password.value());
    return access;
}

Result<std::unique_ptr<Announcer>> make_announcer(const RegistryFlags& flags, loop::EventLoop& loop) {
    if (!is_etcd(flags)) return std::unique_ptr<Announcer>(std::make_unique<FileAnnouncer>(flags));
    auto access = etcd_access(flags);
    if (!access.ok()) return access.error();
    return std::unique_ptr<Announcer>(std::make_unique<EtcdAnnouncer>(loop, std::move(access.value()), flags.lease_ttl_ms));
}

Result<std::unique_ptr<Source>> start_source(const RegistryFlags& flags, loop::EventLoop& loop, LiveRegistry& live,
                                             std::function<void(Status)> ready) {
    if (is_etcd(flags)) {
        auto access = etcd_access(flags);
        if (!access.ok()) return access.error();
        return std::unique_ptr<Source>(std::make_unique<EtcdFeed>(loop, std::move(access.value()), live, std::move(ready)));
    }
    auto source = FileSource::start(loop, registry::resolve_path(flags.registry), live);
    if (!source.ok()) return source.error();
    auto feed = std::make_unique<FileFeed>(std::move(source.value()));
    ready(Ok{});
    return std::unique_ptr<Source>(std::move(feed));
}

Result<std::vector<json::Value>> list_entries(const RegistryFlags& flags) {
    if (is_etcd(flags)) {
        auto access = etcd_access(flags);
        if (!access.ok()) return access.error();
        auto entries = etcd_list(access.value().target, access.value().password);
        if (!entries.ok()) return Error{"cannot read " + flags.registry + ": " + entries.error().message};
        return entries;
    }
    registry::Store store(registry::resolve_path(flags.registry));
    if (store.path().empty()) return Error{"no registry path: pass --registry PATH, or set PEER_PLAN_REGISTRY or HOME"};
    auto live = registry::live_entries(store);
    if (!live.ok()) return live.error();
    return std::vector<json::Value>(live.value().begin(), live.value().end());
}

std::string api_registry_body(std::vector<json::Value> entries) {
    auto loop = loop::EventLoop::create();  // LiveRegistry's timers; never run
    if (!loop.ok()) return "[]\n";
    LiveRegistry live(loop.value(), 0);
    live.set_heartbeat_interval(0);
    live.publish(std::move(entries));
    return live.body();
}

}  // namespace app
