// registry-http: serves the live registry as JSON at /api/registry, pushes
// its changes to watchers at /api/registry/watch, and serves the web client
// from a folder. It only reads the registry: the file (app::FileSource
// watches it) or etcd (app::EtcdFollower), chosen in app/registry_backend.h. Exit codes: 0 after a clean stop, 1 when it cannot start, 2 for a bad command line.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "app/client_log.h"
#include "app/flags.h"
#include "app/health_checker.h"
#include "app/live_registry.h"
#include "app/registry_backend.h"
#include "app/program.h"
#include "app/http_session.h"
#include "app/owner_check.h"
#include "base/log.h"
#include "http/response.h"
#include "loop/event_loop.h"
#include "net/server.h"

namespace {

constexpr std::string_view kVersion = "registry-http 1.0.0";
constexpr std::string_view kSynopsis =
    "Usage: registry-http [flags]\n"
    "Serves the peer-plan registry at /api/registry and the web client at /.";

struct Options {
    std::string host = "127.0.0.1";
    std::string advertise;
    uint64_t port = 5173;
    app::RegistryFlags registry;
    std::string web;
    uint64_t max_header = 16u << 10;
    uint64_t max_connections = 10'000;
    int64_t request_timeout_ms = 10'000;
    int64_t idle_timeout_ms = 60'000;
    uint64_t max_watch_backlog = 1u << 20;
    int64_t watch_heartbeat_ms = app::LiveRegistry::kHeartbeatMs;
    bool allow_any_host = false;
    bool allow_other_users = false;
    bool no_probes = false;
    bool verbose = false;
};

app::Flags make_flags(Options& o) {
    app::Flags f;
    f.add_address("host", "address to listen on: numeric IPv4 or IPv6, or localhost", &o.host);
    f.add_uint("port", "port to listen on; 0 lets the system pick", &o.port, 0, 65535);
    f.add_host_name("advertise", "the name other machines reach this one by: accepted as Host", &o.advertise);
    app::add_registry_flags(f, o.registry, {});
    f.add_path("web", "folder served at / (default ./web, else web/ or ../share/peer-plan/web beside this program)", &o.web);
    f.add_size("max-header", "largest request head (bigger: 431)", &o.max_header, 1024, 1u << 20);
    f.add_uint("max-connections", "clients at once; more are refused", &o.max_connections, 1, 1'000'000);
    f.add_duration("request-timeout", "time allowed to send a request head", &o.request_timeout_ms, 10);
    f.add_duration("idle-timeout", "keep-alive connection closed after this long without a request",
                   &o.idle_timeout_ms, 10);
    f.add_size("max-watch-backlog",
               "a watcher of /api/registry/watch that leaves more than this unread is dropped",
               &o.max_watch_backlog, 1024, 1u << 30);
    f.add_duration("watch-heartbeat", "heartbeat interval of /api/registry/watch", &o.watch_heartbeat_ms, 10);
    f.add_bool("allow-any-host", "accept every Host header (unsafe: DNS rebinding)", &o.allow_any_host);
    f.add_bool("allow-other-users",
               "serve every user of this machine, not only the one who started it (unsafe: they "
               "can read the registry and use the servers)",
               &o.allow_other_users);
    f.add_bool("no-probes", "never connect to the entries' ports: serve them without status or counters",
               &o.no_probes);
    f.add_bool("verbose", "also log a line for every connection", &o.verbose);
    return f;
}

// ./web when run from a checkout, else web/ beside the binary, else the
// installed ../share/peer-plan/web (both from the binary's real path, so a
// symlink in ~/bin still finds it). The first that holds index.html wins.
std::string default_web_dir(const char* argv0) {
    if (::access("web/index.html", R_OK) == 0) return "web";
    char self[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    std::string program = n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string(argv0);
    if (n <= 0) {
        char real[PATH_MAX];
        if (::realpath(argv0, real)) program = real;
    }
    size_t slash = program.rfind('/');
    if (slash == std::string::npos) return "web";
    const std::string folder = program.substr(0, slash);
    for (const std::string& candidate : {folder + "/web", folder + "/../share/peer-plan/web"})
        if (::access((candidate + "/index.html").c_str(), R_OK) == 0) return candidate;
    return folder + "/web";
}

// Port 5173 is also Vite's default, so "in use" says what to do instead.
std::string port_advice(const std::string& error, uint64_t port) {
    if (error.find(std::strerror(EADDRINUSE)) == std::string::npos) return "";
    return "; another program has port " + std::to_string(port) + ". Use another one: --port " +
           std::to_string(port == 65535 ? 5174 : port + 1) + ", or --port 0 to let the system pick a free port";
}

int fail(const std::string& message) {
    std::fprintf(stderr, "registry-http: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    app::Flags flags = make_flags(options);
    if (auto exit_code = app::parse_command_line({"registry-http", kSynopsis, kVersion}, flags, argc, argv))
        return *exit_code;
    app::raise_fd_limit();
    base::set_log_name("registry-http");

    std::string web = options.web.empty() ? default_web_dir(argv[0]) : options.web;
    auto files = http::StaticFiles::open(web);
    if (!files.ok()) return fail("--web " + web + ": " + files.error().message);
    app::HttpConfig config;
    config.head_limits.max_header_bytes = options.max_header;
    config.head_limits.max_request_line = std::min<size_t>(options.max_header, config.head_limits.max_request_line);
    config.request_timeout_ms = options.request_timeout_ms;
    config.idle_timeout_ms = options.idle_timeout_ms;
    config.allow_any_host = options.allow_any_host;
    config.listen_address = options.host;
    config.advertised_name = options.advertise;
    config.watch_policy.allow_any_host = options.allow_any_host;
    config.watch_policy.listen_address = options.host;
    config.watch_policy.advertised_name = options.advertise;
    config.watch.max_backlog = options.max_watch_backlog;

    auto loop = loop::EventLoop::create();
    if (!loop.ok()) return fail(loop.error().message);
    // epoch: random per run, so a watcher of an earlier run gets a snapshot.
    std::random_device entropy;
    const uint64_t epoch = (uint64_t{entropy()} << 32 | entropy()) & registry::kMaxEpoch;
    app::LiveRegistry live(loop.value(), epoch);
    live.set_heartbeat_interval(options.watch_heartbeat_ms);
    // Health: each entry's status and counters are added to what is served,
    // and a change of them is a change of the live set.
    std::optional<app::HealthChecker> health;
    // etcd's entries are of other machines too: their ports are not ours to
    // probe on loopback, so they are served as etcd has them.
    if (!options.no_probes && !app::is_etcd(options.registry)) {
        health.emplace(loop.value(), [&live] { live.republish(); });
        live.set_decorator([&health](const json::Value& entry) { return health->decorate(entry); });
        live.set_observer([&health](const std::vector<json::Value>& entries) { health->set_entries(entries); });
    }
    // Listening at once, but "listening" is said once the registry was read
    // (etcd: from the loop); etcd unreachable then is exit 1.
    std::optional<Error> failed;
    bool source_ready = false;
    std::function<void()> say_listening;
    auto source = app::start_source(options.registry, loop.value(), live, [&](Status st) {
        if (!st.ok()) {
            failed = st.error();
            return loop.value().stop();
        }
        source_ready = true;
        if (say_listening) say_listening();
    });
    if (!source.ok()) return fail(source.error().message);
    app::HttpSite site{config, std::move(files.value()), live};
    auto listener = net::Listener::bind(options.host, static_cast<uint16_t>(options.port));
    if (!listener.ok()) return fail(listener.error().message + port_advice(listener.error().message, options.port));
    listener.value().set_out_of_descriptors_reply(http::out_of_descriptors_reply());
    auto owner_check = app::OwnerCheck::start(options.host, options.allow_other_users);
    if (!owner_check.ok()) return fail(owner_check.error().message);
    net::Limits limits;
    // A head, plus pipelined requests waiting while their answers drain.
    limits.max_input = options.max_header + 64 * 1024;
    limits.max_connections = options.max_connections;
    limits.tick_ms = std::clamp<int64_t>(std::min(options.request_timeout_ms, options.idle_timeout_ms) / 4, 5, 250);
    net::Server server(loop.value(), std::move(listener.value()), limits,
                       [&](net::Server& s, UniqueFd fd) -> std::unique_ptr<net::Connection> {
                           if (options.verbose) app::client_event(fd.get(), "connected");
                           std::string refused = owner_check.value().judge(fd.get());
                           return std::make_unique<app::HttpSession>(s, std::move(fd), site, std::move(refused));
                       });
    if (Status st = server.start(); !st.ok()) return fail(st.error().message);
    for (int signo : app::kStopSignals) {
        Status st = loop.value().on_signal(signo, [&](int) {
            server.shutdown(1'000, [&] { loop.value().stop(); });
        });
        if (!st.ok()) return fail(st.error().message);
    }

    std::string shown_host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
    // A page served by this server may watch it, whatever address it listens on.
    site.config.watch_policy.allowed_origins.push_back("http://" + shown_host + ":" + std::to_string(server.port()));
    if (!options.advertise.empty()) {
        const bool v6 = options.advertise.find(':') != std::string::npos;
        site.config.watch_policy.allowed_origins.push_back("http://" + (v6 ? "[" + options.advertise + "]" : options.advertise) +
                                                           ":" + std::to_string(server.port()));
    }
    say_listening = [&] {
        std::printf("registry-http listening on http://%s:%u/ (registry %s, web %s)\n", shown_host.c_str(),
                    server.port(), source.value()->where().c_str(), web.c_str());
        std::fflush(stdout);
    };
    if (source_ready) say_listening();
    Status ran = loop.value().run();
    if (failed) return fail(failed->message);
    if (!ran.ok()) return fail(ran.error().message);
    base::info("registry-http stopped");
    return 0;
}
