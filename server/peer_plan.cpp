// peer-plan: lets any program join the registry without linking anything.
//   peer-plan list [--json]
//   peer-plan register --port N [--pid P] [--name S] [--kind S] [--url U] [--meta K=V]...
//   peer-plan unregister ID | --port N
//   peer-plan stop ID | --port N
//   peer-plan run [--name S] [--kind S] [--meta K=V]... -- CMD [ARGS...]
//   peer-plan doctor [--page URL]
// Exit codes: 0 ok, 1 runtime failure (what and where on stderr), 2 usage;
// `run` exits with CMD's status.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "app/doctor.h"
#include "app/flags.h"
#include "app/peer_entry.h"
#include "app/peer_run.h"
#include "app/program.h"
#include "app/registry_backend.h"
#include "app/registry_cache.h"
#include "app/etcd_follower.h"
#include "base/civil_time.h"
#include "base/clock.h"
#include "loop/event_loop.h"
#include "registry/entry.h"
#include "registry/process.h"
#include "registry/store.h"

namespace {

constexpr std::string_view kVersion = "peer-plan 1.0.0";
constexpr std::string_view kUsage =
    "Usage: peer-plan COMMAND [flags]\n"
    "Lists, registers and runs servers in the peer-plan registry.\n"
    "\n"
    "Commands:\n"
    "  list [--json]              live entries; --json prints what /api/registry serves\n"
    "  register --port N [--pid P] [--name S] [--kind S] [--url U] [--meta K=V]...\n"
    "                             prints the new id; the entry lives while pid P does\n"
    "                             (default P: the caller, i.e. peer-plan's parent)\n"
    "  unregister ID | --port N   removes an entry\n"
    "  stop ID | --port N         SIGTERM to that entry's process, then waits for it\n"
    "  run [--name S] [--kind S] [--meta K=V]... -- CMD [ARGS...]\n"
    "                             runs CMD; every port it listens on is an entry while it does\n"
    "  doctor [--page URL]        explains why a server is not visible, and the fix\n"
    "\n"
    "Every command takes --registry PATH, --help and --version; `peer-plan COMMAND --help`\n"
    "lists its flags.\n";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "peer-plan: %s\n\n%s", message.c_str(), std::string(kUsage).c_str());
    return 2;
}

int fail(const std::string& message) {
    std::fprintf(stderr, "peer-plan: %s\n", message.c_str());
    return 1;
}

// "42s", "7m", "3h", "2d" since startedAt; "?" when it does not parse.
std::string age_of(const json::Value& entry) {
    const json::Value* started = entry.find("startedAt");
    const auto ms = started ? base::parse_iso8601_ms(started->as_string()) : std::nullopt;
    if (!ms) return "?";
    const int64_t s = std::max<int64_t>(0, (base::wall_ms() - *ms) / 1000);
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m";
    if (s < 86'400) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86'400) + "d";
}

std::string text_of(const json::Value& entry, std::string_view key) {
    const json::Value* v = entry.find(key);
    if (!v) return "-";
    if (v->is_string()) return v->as_string().empty() ? "-" : v->as_string();
    if (v->is_number()) return v->number_raw();
    return "-";
}

void print_table(const json::Value::Array& entries) {
    const char* columns[] = {"id", "name", "kind", "port", "pid", "age", "url"};
    std::vector<std::vector<std::string>> rows{{"ID", "NAME", "KIND", "PORT", "PID", "AGE", "URL"}};
    for (const json::Value& entry : entries) {
        std::vector<std::string> row;
        for (const char* column : columns) row.push_back(std::string_view(column) == "age" ? age_of(entry) : text_of(entry, column));
        rows.push_back(std::move(row));
    }
    std::vector<size_t> width(std::size(columns), 0);
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
        }
        std::printf("%s\n", line.c_str());
    }
}

int list(const registry::Store& store, bool as_json) {
    if (as_json) {
        app::RegistryCache cache(store.path());  // the very code that answers /api/registry
        auto body = cache.json();
        if (!body.ok()) return fail(body.error().message);
        std::fwrite(body.value()->data(), 1, body.value()->size(), stdout);
        return 0;
    }
    auto entries = registry::live_entries(store);
    if (!entries.ok()) return fail(entries.error().message);
    if (entries.value().empty()) {
        std::printf("no live servers in %s\n", store.path().c_str());
        return 0;
    }
    print_table(entries.value());
    return 0;
}

// etcd: one range read; every entry under the prefix is live (its lease says so).
int list_etcd(const app::RegistryFlags& registry, bool as_json) {
    auto entries = app::list_entries(registry);
    if (!entries.ok()) return fail(entries.error().message);
    if (as_json) {
        const std::string body = app::api_registry_body(std::move(entries.value()));
        std::fwrite(body.data(), 1, body.size(), stdout);
        return 0;
    }
    if (entries.value().empty()) {
        std::printf("no servers in %s\n", registry.registry.c_str());
        return 0;
    }
    print_table(entries.value());
    return 0;
}

// etcd: deletes the key of the entry with that id (or port). Its server, if
// it still runs, keeps its lease but no longer its entry.
int unregister_etcd(const app::RegistryFlags& registry, const std::string& id_or_empty, uint64_t port) {
    auto access = app::etcd_access(registry);
    if (!access.ok()) return fail(access.error().message);
    std::string id = id_or_empty;
    if (id.empty()) {
        auto entries = app::list_entries(registry);
        if (!entries.ok()) return fail(entries.error().message);
        for (const json::Value& entry : entries.value())
            if (entry.find("port") && entry.find("port")->as_int() == static_cast<int64_t>(port) && entry.find("id"))
                id = entry.find("id")->as_string();
        if (id.empty())
            return fail("no entry for port " + std::to_string(port) + " in " + registry.registry +
                        " (peer-plan list shows what is there)");
    }
    if (Status st = app::etcd_delete(access.value().target, access.value().password, id); !st.ok())
        return fail("cannot remove " + id + " from " + registry.registry + ": " + st.error().message);
    std::printf("removed %s\n", id.c_str());
    return 0;
}

// The entry named by ID or --port, from the whole file (stale ones too).
struct Target {
    std::string id;
    uint64_t port = 0;
};
Result<json::Value> find_entry(const registry::Store& store, const Target& target) {
    auto document = store.read();
    if (!document.ok()) return document.error();
    for (const json::Value& entry : document.value().find("servers")->as_array()) {
        const json::Value* id = entry.find("id");
        const json::Value* port = entry.find("port");
        if (!target.id.empty() ? id && id->as_string() == target.id
                               : port && port->as_int() == static_cast<int64_t>(target.port))
            return entry;
    }
    return Error{"no entry " + (target.id.empty() ? "for port " + std::to_string(target.port) : "'" + target.id + "'") +
                 " in " + store.path() + " (peer-plan list shows what is there)"};
}

int unregister(registry::Store& store, const Target& target) {
    auto entry = find_entry(store, target);
    if (!entry.ok()) return fail(entry.error().message);
    const std::string id = entry.value().find("id")->as_string();
    if (Status st = registry::unregister_entry(store, id); !st.ok())
        return fail("cannot remove " + id + " from " + store.path() + ": " + st.error().message);
    std::printf("removed %s\n", id.c_str());
    return 0;
}

bool process_running(int64_t pid) {
    auto info = registry::inspect_process(pid);
    return info && !info->zombie;
}

int stop(registry::Store& store, const Target& target, int64_t timeout_ms) {
    auto entry = find_entry(store, target);
    if (!entry.ok()) return fail(entry.error().message);
    const std::string id = entry.value().find("id")->as_string();
    const int64_t pid = entry.value().find("pid") ? entry.value().find("pid")->as_int().value_or(0) : 0;
    if (!registry::entry_is_live(entry.value()))
        return fail(id + " is not running (pid " + std::to_string(pid) + " is gone or is another process now); " +
                    "`peer-plan unregister " + id + "` removes the entry");
    if (::kill(static_cast<pid_t>(pid), SIGTERM) != 0) return fail("kill(" + std::to_string(pid) + ", SIGTERM): " + std::strerror(errno));
    const int64_t deadline = loop::monotonic_ms() + timeout_ms;
    while (process_running(pid) && loop::monotonic_ms() < deadline) ::usleep(10'000);  // another user's process: no event to wait on
    if (process_running(pid))
        return fail("pid " + std::to_string(pid) + " (" + id + ") did not exit within " + app::format_duration(timeout_ms) +
                    " of SIGTERM; `kill -KILL " + std::to_string(pid) + "` ends it");
    // A server that unregisters itself already did; a `register`ed one cannot.
    (void)registry::unregister_entry(store, id);
    std::printf("stopped %s (pid %lld)\n", id.c_str(), static_cast<long long>(pid));
    return 0;
}

// Refuses a pid that is not a running process of ours: its entry would be
// stale at once, or would follow another user's process.
std::string check_pid(int64_t pid) {
    if (pid <= 0 || pid > INT32_MAX) return "--pid " + std::to_string(pid) + ": not a process id";
    if (::kill(static_cast<pid_t>(pid), 0) != 0)
        return "--pid " + std::to_string(pid) + (errno == EPERM ? ": that process belongs to another user" : ": no such process");
    struct stat info {};
    if (::stat(("/proc/" + std::to_string(pid)).c_str(), &info) == 0 && info.st_uid != ::getuid())
        return "--pid " + std::to_string(pid) + ": that process belongs to another user (uid " + std::to_string(info.st_uid) + ")";
    if (!process_running(pid)) return "--pid " + std::to_string(pid) + ": that process has exited";
    return "";
}

struct Options {
    app::RegistryFlags registry;
    bool json = false;
    uint64_t port = 0;
    uint64_t pid = 0;
    std::string name, kind = "http", url, advertise, page = "http://localhost:5173/";
    std::vector<std::string> meta, args;
    int64_t timeout_ms = 5'000;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage_error("which command? list, register, unregister, stop, run or doctor");
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") return std::fputs(kUsage.data(), stdout), 0;
    if (command == "--version") return std::printf("%s\n", kVersion.data()), 0;

    Options o;
    app::Flags flags;
    app::add_registry_flags(flags, o.registry, {.lease = command == "run", .lock = false});
    std::string synopsis;
    if (command == "list") {
        synopsis = "Usage: peer-plan list [--json]\nThe live entries as a table, or as /api/registry serves them.";
        flags.add_bool("json", "print exactly what registry-http serves at /api/registry", &o.json);
    } else if (command == "register") {
        synopsis = "Usage: peer-plan register --port N [--pid P] [flags]\n"
                   "Registers a server that is already listening; prints the new id. The entry\n"
                   "lives while pid P does (default: the caller, i.e. peer-plan's parent).";
        flags.add_uint("port", "the port the server listens on (required)", &o.port, 1, 65535);
        flags.add_uint("pid", "the server's process (default: the caller)", &o.pid, 1, INT32_MAX);
    } else if (command == "unregister" || command == "stop") {
        synopsis = command == "stop" ? "Usage: peer-plan stop ID | --port N\nSends SIGTERM to the entry's process and waits for it to exit."
                                     : "Usage: peer-plan unregister ID | --port N\nRemoves the entry (the process keeps running).";
        flags.add_uint("port", "the entry with this port instead of an id", &o.port, 1, 65535);
        flags.add_positionals(&o.args);
        if (command == "stop") flags.add_duration("timeout", "how long to wait for the exit", &o.timeout_ms, 0);
    } else if (command == "run") {
        synopsis = "Usage: peer-plan run [flags] -- CMD [ARGS...]\n"
                   "Runs CMD; every TCP port its process tree listens on is an entry while it\n"
                   "listens. Signals are passed on; exits with CMD's status (128+N for signal N).";
        flags.add_positionals(&o.args, true);
    } else if (command == "doctor") {
        synopsis = "Usage: peer-plan doctor [--page URL]\nExplains why a server is not visible, and prints the fix.";
        flags.add_string("page", "the address the browser opens (registry-http's)", &o.page);
    } else {
        return usage_error("unknown command '" + command + "'");
    }
    if (command == "register" || command == "run") {
        flags.add_string("name", "a short label (default: the id, or CMD's name for run)", &o.name);
        flags.add_string("kind", "what it speaks: http, ws, echo, yjs, mcp, ...", &o.kind);
        if (command == "register") flags.add_string("url", "the entry's url (default <scheme>://localhost:N; ws for ws, echo, yjs)", &o.url);
        flags.add_list("meta", "KEY=VALUE to put in the entry's meta (repeatable)", &o.meta);
        flags.add_host_name("advertise", "the name other machines reach the server by: the url's host and the entry's host",
                            &o.advertise);
    }
    const std::string program = "peer-plan " + command;
    if (auto exit_code = app::parse_command_line({program, synopsis, kVersion}, flags, argc - 1, argv + 1))
        return *exit_code;

    if (app::is_etcd(o.registry)) {
        if (auto access = app::etcd_access(o.registry); !access.ok() && command != "register")
            return usage_error(access.error().message);
        if (command == "list") return list_etcd(o.registry, o.json);
        if (command == "unregister") {
            if (o.args.size() > 1) return usage_error(command + ": one ID, not " + std::to_string(o.args.size()));
            if (o.args.empty() == (o.port == 0)) return usage_error(command + ": give an ID or --port N (one of them)");
            return unregister_etcd(o.registry, o.args.empty() ? "" : o.args[0], o.port);
        }
        if (command == "register")
            return usage_error("register: an etcd entry lives under a lease that a running process renews, and "
                               "register exits at once; `peer-plan run --registry " + o.registry.registry +
                               " -- CMD` runs the server and keeps its entry while it listens");
        if (command == "stop")
            return usage_error("stop: an etcd entry's process may run on another machine; stop it there (SIGTERM "
                               "revokes its lease), or `peer-plan unregister` removes the entry");
        if (command == "doctor") return usage_error("doctor: checks the registry file only; for etcd see docs/etcd.md");
    }
    registry::Store store(registry::resolve_path(o.registry.registry));
    if (command == "doctor") return app::doctor(store, o.registry.registry, o.page);
    if (store.path().empty()) return fail("no registry path: pass --registry PATH, or set PEER_PLAN_REGISTRY or HOME");
    if (command == "list") return list(store, o.json);

    if (command == "unregister" || command == "stop") {
        if (o.args.size() > 1) return usage_error(command + ": one ID, not " + std::to_string(o.args.size()));
        if (o.args.empty() == (o.port == 0)) return usage_error(command + ": give an ID or --port N (one of them)");
        Target target{o.args.empty() ? "" : o.args[0], o.port};
        return command == "stop" ? stop(store, target, o.timeout_ms) : unregister(store, target);
    }

    auto meta = app::parse_meta_list(o.meta);
    if (!meta.ok()) return usage_error(command + ": " + meta.error().message);
    app::EntryLabels labels{o.name, o.kind, o.url, std::move(meta.value()), o.advertise};
    if (labels.kind.empty()) return usage_error(command + ": --kind: must not be empty");
    if (command == "run") {
        if (o.args.empty()) return usage_error("run: which command? peer-plan run [flags] -- CMD [ARGS...]");
        if (labels.name.empty()) labels.name = o.args[0].substr(o.args[0].rfind('/') + 1);
        return app::run_and_register(o.registry, labels, o.args);
    }
    // register
    if (o.port == 0) return usage_error("register: --port N is required");
    const int64_t pid = o.pid ? static_cast<int64_t>(o.pid) : ::getppid();
    if (std::string problem = check_pid(pid); !problem.empty()) return usage_error("register: " + problem);
    json::Value entry = app::make_entry(labels, static_cast<int>(o.port), pid);
    const std::string id = entry.find("id")->as_string();
    if (Status st = registry::register_entry(store, std::move(entry)); !st.ok())
        return fail("cannot register in " + store.path() + ": " + st.error().message);
    std::printf("%s\n", id.c_str());
    return 0;
}
