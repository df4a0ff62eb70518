// loadgen's command line: flags, limits, and --free-port for scripts.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <csignal>
#include <cstdio>
#include <random>
#include <string>

#include "app/flags.h"
#include "loadgen.h"

namespace bench {

namespace {

// Binds port 0 on loopback and prints the port the system gave, for servers
// such as nginx that need a port number in their configuration.
int print_free_port() {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        std::perror("loadgen: bind(127.0.0.1:0)");
        return 1;
    }
    std::printf("%u\n", ntohs(address.sin_port));
    return 0;
}

app::Flags make_flags(Options& o) {
    app::Flags f;
    f.add_string("mode", "ws, tcp, http or idle", &o.mode);
    f.add_string("host", "server address (IPv4)", &o.host);
    f.add_uint("port", "server port", &o.port, 1, 65535);
    f.add_uint("connections", "connections at once", &o.connections, 1, 1'000'000);
    f.add_uint("inflight", "messages (or requests) in flight per connection", &o.inflight, 1, 4096);
    f.add_size("size", "message size (ws, tcp)", &o.size, 1, 64u << 20);
    f.add_bool("text", "send text frames instead of binary (ws)", &o.text);
    f.add_duration("warmup", "run this long before measuring (and until every connection has an echo back)",
                   &o.warmup_ms, 0);
    f.add_duration("duration", "measure this long", &o.duration_ms, 10);
    f.add_duration("settle", "idle: wait this long after the last handshake, then read the memory", &o.settle_ms, 0);
    f.add_duration("setup-limit", "give up if the connections are not all open by then", &o.setup_limit_ms, 10);
    f.add_uint("pid", "server process, for CPU time and memory from /proc", &o.pid, 0, 1u << 30);
    f.add_string("path", "request path (http)", &o.path);
    f.add_uint("max-connecting", "handshakes in progress at once", &o.max_connecting, 1, 100'000);
    f.add_bool("free-port", "print a free loopback port and exit", &o.free_port);
    return f;
}

}  // namespace

}  // namespace bench

int main(int argc, char** argv) {
    bench::Options options;
    app::Flags flags = bench::make_flags(options);
    std::string error;
    const char* synopsis = "loadgen --mode ws|tcp|http|idle --port PORT [flags]: the benchmark's load generator";
    switch (flags.parse(argc, argv, &error)) {
    case app::Flags::Outcome::help: std::printf("%s", flags.usage(synopsis).c_str()); return 0;
    case app::Flags::Outcome::version: std::printf("loadgen 1.0.0\n"); return 0;
    case app::Flags::Outcome::bad:
        std::fprintf(stderr, "loadgen: %s\n%s", error.c_str(), flags.usage(synopsis).c_str());
        return 2;
    case app::Flags::Outcome::run: break;
    }
    if (options.free_port) return bench::print_free_port();
    using bench::Mode;
    Mode mode = Mode::ws;
    if (options.mode == "tcp") mode = Mode::tcp;
    else if (options.mode == "http") mode = Mode::http;
    else if (options.mode == "idle") mode = Mode::idle;
    else if (options.mode != "ws") error = "--mode must be ws, tcp, http or idle, not '" + options.mode + "'";
    if (options.port == 0) error = "--port is required";
    if (!error.empty()) {
        std::fprintf(stderr, "loadgen: %s\n", error.c_str());
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    uint32_t mask_key = static_cast<uint32_t>(std::random_device{}()) | 0x01010101;  // never a zero byte
    bench::LoadGen load(options, mode, mask_key);
    return load.run();
}
