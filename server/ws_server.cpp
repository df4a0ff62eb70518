// ws-server: one WebSocket echo server on a port the kernel picks, announced
// in the registry file while it runs. Exit codes: 0 after a clean stop, 1 when
// it cannot start (port, registry), 2 for a bad command line.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

#include "app/client_log.h"
#include "app/flags.h"
#include "app/owner_check.h"
#include "app/peer_entry.h"
#include "app/program.h"
#include "app/registry_backend.h"
#include "app/ws_session.h"
#include "base/civil_time.h"
#include "base/clock.h"
#include "base/log.h"
#include "http/response.h"
#include "loop/event_loop.h"
#include "net/server.h"
#include "registry/entry.h"

namespace {

constexpr std::string_view kVersion = "ws-server 1.0.0";
constexpr std::string_view kVersionNumber = kVersion.substr(kVersion.find(' ') + 1);  // the entry's "version"
constexpr std::string_view kSynopsis =
    "Usage: ws-server [flags]\n"
    "A WebSocket echo server, registered in the peer-plan registry while it runs.";

struct Options {
    std::string host = "127.0.0.1";
    std::string advertise;
    uint64_t port = 0;
    app::RegistryFlags registry;
    std::string id;
    std::string name;
    uint64_t max_message = 16u << 20;
    uint64_t max_header = 16u << 10;
    uint64_t max_output = 4u << 20;
    // 1 GiB: 32 clients each with a whole 16 MiB message (the default
    // --max-message) and its 16 MiB echo, and still a small share of a
    // server's memory; the default is fixed so a server behaves the same on
    // every machine (a smaller one wants a smaller --max-memory).
    uint64_t max_memory = 1u << 30;
    uint64_t max_connections = 50'000;
    int64_t handshake_timeout_ms = 10'000;
    int64_t ping_interval_ms = 30'000;
    int64_t close_timeout_ms = 5'000;
    std::vector<std::string> allowed_origins;
    bool allow_any_origin = false;
    bool allow_any_host = false;
    bool allow_other_users = false;
    bool verbose = false;
};

app::Flags make_flags(Options& o) {
    app::Flags f;
    f.add_address("host", "address to listen on: numeric IPv4 or IPv6, or localhost", &o.host);
    f.add_uint("port", "port to listen on; 0 lets the system pick", &o.port, 0, 65535);
    f.add_host_name("advertise",
                    "the name other machines reach this one by: the entry's url and host, and accepted as Host "
                    "(default: the url names --host, host is this machine's hostname)",
                    &o.advertise);
    app::add_registry_flags(f, o.registry, {.lease = true, .lock = true});
    f.add_string("id", "id in the registry (default server-<unix ms>-<6 random base-36 chars>)", &o.id);
    f.add_string("name", "name in the registry, a short label for people (default: the id)", &o.name);
    f.add_size("max-message", "largest message, fragments added up (bigger: close 1009)", &o.max_message, 125,
               1u << 30);
    f.add_size("max-header", "largest handshake request head (bigger: 431)", &o.max_header, 1024, 1u << 20);
    f.add_size("max-output", "outgoing buffer per client; above it the client is not read", &o.max_output, 4096,
               1u << 30);
    f.add_size("max-memory", "all clients' buffers together; past it new messages get close 1013", &o.max_memory,
               64u << 10, uint64_t{1} << 40);
    f.add_uint("max-connections", "clients at once; more are refused", &o.max_connections, 1, 1'000'000);
    f.add_duration("handshake-timeout", "time allowed for the opening handshake", &o.handshake_timeout_ms, 10);
    f.add_duration("ping-interval", "idle this long: ping; no answer as long again: close", &o.ping_interval_ms,
                   10);
    f.add_duration("close-timeout", "wait for the client's close frame after ours", &o.close_timeout_ms, 10);
    f.add_list("allow-origin", "also accept this Origin (repeatable), e.g. https://app.example", &o.allowed_origins);
    f.add_bool("allow-any-origin", "accept every Origin, including null (unsafe)", &o.allow_any_origin);
    f.add_bool("allow-any-host", "accept every Host header (unsafe: DNS rebinding)", &o.allow_any_host);
    f.add_bool("allow-other-users",
               "serve every user of this machine, not only the one who started it (unsafe: they "
               "can read the registry and use the servers)",
               &o.allow_other_users);
    f.add_bool("verbose", "also log a line for every connection", &o.verbose);
    return f;
}

int fail(const std::string& message) {
    std::fprintf(stderr, "ws-server: %s\n", message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    app::Flags flags = make_flags(options);
    if (auto exit_code = app::parse_command_line({"ws-server", kSynopsis, kVersion}, flags, argc, argv))
        return *exit_code;
    app::raise_fd_limit();
    base::set_log_name("ws-server");  // its id once registered

    app::WsConfig config;
    config.max_message = options.max_message;
    config.handshake_timeout_ms = options.handshake_timeout_ms;
    config.ping_interval_ms = options.ping_interval_ms;
    config.close_timeout_ms = options.close_timeout_ms;
    config.head_limits.max_header_bytes = options.max_header;
    config.head_limits.max_request_line = std::min<size_t>(options.max_header, config.head_limits.max_request_line);
    config.policy = {options.allowed_origins, options.allow_any_origin, options.allow_any_host, options.host,
                     options.advertise};

    auto loop = loop::EventLoop::create();
    if (!loop.ok()) return fail(loop.error().message);
    // Bound but not listening until registered: a client that finds the port
    // before the entry exists is refused, never left unanswered.
    auto listener = net::Listener::reserve(options.host, static_cast<uint16_t>(options.port));
    if (!listener.ok()) return fail(listener.error().message);
    auto owner_check = app::OwnerCheck::start(options.host, options.allow_other_users);
    if (!owner_check.ok()) return fail(owner_check.error().message);
    listener.value().set_out_of_descriptors_reply(http::out_of_descriptors_reply());

    // Until the loop runs, a stop signal only ends the wait for the lock.
    app::catch_stop_signals();
    auto announcer = app::make_announcer(options.registry, loop.value());
    if (!announcer.ok()) {  // the URL or the password file: a usage problem
        fail(announcer.error().message);
        return 2;
    }
    const int64_t started = base::wall_ms();
    registry::Entry entry;
    entry.id = options.id.empty() ? registry::make_id(started) : options.id;
    entry.port = listener.value().port();
    entry.url = registry::url_for(options.advertise.empty() ? options.host : options.advertise, entry.port);
    entry.pid = ::getpid();
    entry.started_at = base::format_iso8601_ms(started);
    base::set_log_name(entry.id);
    app::WsHealth health{entry.id, app::random_hex(32), base::monotonic_ms()};
    config.health = &health;
    json::Value announced = registry::to_json(entry);
    announced.set("name", json::Value::string(options.name.empty() ? entry.id : options.name));
    announced.set("kind", json::Value::string("echo"));
    announced.set("instance", json::Value::string(health.instance));
    announced.set("host", json::Value::string(options.advertise.empty() ? app::host_name() : options.advertise));
    announced.set("version", json::Value::string(std::string(kVersionNumber)));

    net::Limits limits;
    limits.max_memory = options.max_memory;
    limits.max_input = options.max_message + websocket::kMaxHeaderSize + 4 + options.max_header;
    limits.max_output = options.max_output;
    limits.max_connections = options.max_connections;
    limits.linger_ms = options.close_timeout_ms;
    limits.tick_ms = std::clamp<int64_t>(
        std::min({options.handshake_timeout_ms, options.ping_interval_ms, options.close_timeout_ms}) / 4, 5, 250);
    // Made just before the entry can be seen (under the registry's lock): a
    // client that finds the port while the lock is awaited is refused, never
    // left unanswered, and one that reads the entry finds the port open (a
    // page told of it by push connects within a millisecond).
    std::optional<net::Server> server;
    auto serve = [&]() -> Status {
        if (Status st = listener.value().listen(); !st.ok()) return st;
        server.emplace(loop.value(), std::move(listener.value()), limits,
                       [&](net::Server& s, UniqueFd fd) -> std::unique_ptr<net::Connection> {
                           if (options.verbose) app::client_event(fd.get(), "connected");
                           std::string refused = owner_check.value().judge(fd.get());
                           return std::make_unique<app::WsConnection>(s, std::move(fd), config, std::move(refused));
                       });
        return server->start();
    };
    std::optional<Error> failed;  // why the server could not start
    announcer.value()->start(std::move(announced), serve, [&](Status registered) {
        if (registered.ok()) {
            std::printf("[%s] WebSocket server listening on port %u\n", entry.id.c_str(), server->port());
            std::fflush(stdout);
            return;
        }
        failed = registered.error();
        announcer.value()->stop([&] { loop.value().stop(); });
    });
    auto finish = [&](int code) {
        app::catch_stop_signals();  // a further signal cuts a wait for the lock short
        if (Status st = announcer.value()->finish(); !st.ok()) code = fail(st.error().message);
        return code;
    };
    if (failed) return finish(fail(failed->message));  // the file: known before the loop runs

    const std::string& name = entry.id;
    bool stopping = false;
    for (int signo : app::kStopSignals) {
        Status st = loop.value().on_signal(signo, [&](int) {
            if (stopping) return loop.value().stop();  // a second signal: stop now
            stopping = true;
            if (!server) return announcer.value()->stop([&] { loop.value().stop(); });
            base::info("[" + name + "] stopping: closing " + std::to_string(server->connection_count()) +
                       " connection(s) with 1001");
            server->shutdown(options.close_timeout_ms * 2,
                             [&] { announcer.value()->stop([&] { loop.value().stop(); }); });
        });
        if (!st.ok()) return finish(fail(st.error().message));
    }
    // A stop signal that came after the lock was taken: the loop handles it now.
    if (const int signo = app::caught_stop_signal(); signo != 0) ::raise(signo);

    Status ran = loop.value().run();
    int code = ran.ok() ? 0 : fail(ran.error().message);
    if (failed) code = fail(failed->message);
    code = finish(code);
    if (!failed) base::info("[" + entry.id + "] stopped");
    return code;
}
