#include "app/doctor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "base/civil_time.h"
#include "base/clock.h"
#include "base/unique_fd.h"
#include "json/reader.h"
#include "registry/entry.h"
#include "registry/ports.h"
#include "registry/process.h"

namespace app {
namespace {

constexpr int kProbeMs = 2'000;

class Report {
public:
    void ok(const std::string& what) { std::printf("ok: %s\n", what.c_str()); }
    void problem(const std::string& what, const std::string& fix) {
        ++problems_;
        std::printf("problem: %s\n  fix: %s\n", what.c_str(), fix.c_str());
    }
    int finish() const {
        if (problems_ == 0) std::printf("no problems found\n");
        else std::printf("%d problem%s found\n", problems_, problems_ == 1 ? "" : "s");
        return problems_ == 0 ? 0 : 1;
    }
    int problems() const { return problems_; }

private:
    int problems_ = 0;
};

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// A blocking exchange with 127.0.0.1:port: nullopt when nothing listens (or
// it did not connect in time), else what came back until the head ended,
// the peer closed or the time ran out.
std::optional<std::string> probe(uint16_t port, std::string_view request) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return std::nullopt;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS)
        return std::nullopt;
    pollfd p{fd.get(), POLLOUT, 0};
    int error = 0;
    socklen_t length = sizeof error;
    if (::poll(&p, 1, kProbeMs) != 1 || ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error)
        return std::nullopt;
    std::string answer;
    if (request.empty()) return answer;
    if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
        return answer;
    char buffer[4096];
    while (answer.find("\r\n\r\n") == std::string::npos && answer.size() < 64 * 1024) {
        pollfd in{fd.get(), POLLIN, 0};
        if (::poll(&in, 1, kProbeMs) != 1) break;
        const ssize_t got = ::recv(fd.get(), buffer, sizeof buffer, 0);
        if (got <= 0) break;
        answer.append(buffer, static_cast<size_t>(got));
    }
    return answer;
}

int status_of(std::string_view response) {
    int status = 0;
    if (response.size() < 12 || response.substr(0, 5) != "HTTP/") return 0;
    std::from_chars(response.data() + 9, response.data() + 12, status);
    return status;
}

// http://HOST:PORT/...: host with port as a Host header, the origin, and the port.
struct Page {
    std::string host_header, origin;
    uint16_t port = 0;
};
std::optional<Page> parse_page(std::string_view url) {
    if (url.substr(0, 7) != "http://") return std::nullopt;
    std::string_view rest = url.substr(7);
    std::string_view authority = rest.substr(0, rest.find('/'));
    const size_t colon = authority.rfind(':');
    Page page;
    unsigned port = 80;
    if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
        std::string_view digits = authority.substr(colon + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) return std::nullopt;
    }
    if (authority.empty()) return std::nullopt;
    page.host_header = std::string(authority);
    page.origin = "http://" + page.host_header;
    page.port = static_cast<uint16_t>(port);
    return page;
}

// Where the path came from, for the first line.
std::string path_source(std::string_view flag_value) {
    if (!flag_value.empty()) return "--registry";
    const char* env = std::getenv("PEER_PLAN_REGISTRY");
    if (env && *env) return "$PEER_PLAN_REGISTRY";
    return "the default, ~/.peer-plan/servers.json";
}

// The other places servers may have registered, with their live counts.
void check_other_paths(Report& report, const std::string& path, std::string_view flag_value) {
    std::vector<std::string> others;
    const char* env = std::getenv("PEER_PLAN_REGISTRY");
    if (!flag_value.empty() && env && *env) others.push_back(env);
    if (!flag_value.empty() || (env && *env)) {
        const char* home = std::getenv("HOME");
        if (home && *home) others.push_back(std::string(home) + "/.peer-plan/servers.json");
    }
    for (const std::string& other : others) {
        if (other == path) continue;
        auto live = registry::live_entries(registry::Store(other));
        if (!live.ok() || live.value().empty()) continue;
        report.problem(std::to_string(live.value().size()) + " live server(s) are registered in " + other +
                           ", not in " + path + " (wrong path)",
                       "use one registry for everything: pass --registry " + other + " here and to registry-http, or "
                       "export PEER_PLAN_REGISTRY=" + other);
    }
}

// Folder and file: existence, type, owner, modes, size. false when there is
// nothing more to read.
bool check_files(Report& report, const std::string& path) {
    const std::string folder = folder_of(path);
    struct stat info {};
    if (::stat(folder.c_str(), &info) != 0) {
        report.problem("no registry: the folder " + folder + " does not exist, so no server has registered yet",
                       "start a server (ws-server, or peer-plan run -- CMD); it creates " + folder + " (mode 0700)");
        return false;
    }
    if (!S_ISDIR(info.st_mode)) {
        report.problem(folder + " is not a folder", "move it away: mv " + folder + " " + folder + ".old");
        return false;
    }
    if (info.st_uid != ::getuid())
        report.problem(folder + " belongs to uid " + std::to_string(info.st_uid) + ", not to you (uid " +
                           std::to_string(::getuid()) + ")",
                       "use a registry of your own: --registry ~/.peer-plan/servers.json");
    else if ((info.st_mode & 077) != 0)
        report.problem(folder + " has mode " + octal_mode(info.st_mode) + ": other users can read or change it",
                       "chmod 700 " + folder);
    else
        report.ok("folder " + folder + " (mode 0700)");

    if (::lstat(path.c_str(), &info) != 0) {
        report.problem("no registry file " + path + ": no server is registered (or all have stopped)",
                       "start a server (ws-server, or peer-plan run -- CMD)");
        return false;
    }
    if (S_ISLNK(info.st_mode) && ::stat(path.c_str(), &info) != 0) {
        report.problem(path + " is a symbolic link to nothing", "rm " + path);
        return false;
    }
    if (!S_ISREG(info.st_mode)) {
        report.problem(path + " is not a regular file", "remove it: rm -r " + path + " (servers write a new one)");
        return false;
    }
    if (info.st_uid != ::getuid())
        report.problem(path + " belongs to uid " + std::to_string(info.st_uid) + ", not to you",
                       "use a registry of your own: --registry ~/.peer-plan/servers.json");
    else if ((info.st_mode & 077) != 0)
        report.problem(path + " has mode " + octal_mode(info.st_mode) + ": other users can read or change it",
                       "chmod 600 " + path);
    if (::access(path.c_str(), R_OK) != 0) {
        report.problem(path + " is not readable (mode " + octal_mode(info.st_mode) + ")", "chmod 600 " + path);
        return false;
    }
    if (static_cast<uint64_t>(info.st_size) > registry::kMaxFileBytes) {
        report.problem(path + " is " + std::to_string(info.st_size) + " bytes, more than the 4 MiB readers accept (oversized)",
                       "move it aside: mv " + path + " " + path + ".big (servers start a fresh one)");
        return false;
    }
    return true;
}

std::string entry_text(const json::Value& entry, std::string_view key) {
    const json::Value* v = entry.find(key);
    return v && v->is_string() ? v->as_string() : "";
}

// One entry: its process, its port, and (for ws entries) the page's Origin.
// true when the entry is live.
bool check_entry(Report& report, const json::Value& entry, const std::optional<Page>& page) {
    const std::string id = entry_text(entry, "id");
    const json::Value* pid_value = entry.find("pid");
    const json::Value* port_value = entry.find("port");
    const int64_t pid = pid_value ? pid_value->as_int().value_or(0) : 0;
    const int64_t port = port_value ? port_value->as_int().value_or(0) : 0;
    const std::string name = "entry " + id + " (port " + std::to_string(port) + ", pid " + std::to_string(pid) + ")";
    const std::string remove = "none needed, readers hide it; `peer-plan unregister " + id + "` removes it";
    if (port < 1 || port > 65535 || pid < 1 || pid > INT32_MAX) {
        report.problem(name + ": not a valid entry (port or pid missing or out of range)", remove);
        return false;
    }
    auto started = base::parse_iso8601_ms(entry_text(entry, "startedAt"));
    auto process = registry::inspect_process(pid);
    if (!process || process->zombie) {
        report.problem(name + " is stale: process " + std::to_string(pid) + " is gone", remove);
        return false;
    }
    if (!started) {
        report.problem(name + ": startedAt '" + entry_text(entry, "startedAt") + "' is not a time", remove);
        return false;
    }
    if (process->start_ms && *process->start_ms > *started + registry::kStartSlackMs) {
        report.problem(name + " is stale: pid " + std::to_string(pid) + " was reused, by a process started at " +
                           base::format_iso8601_ms(*process->start_ms) + ", after the entry's " +
                           entry_text(entry, "startedAt"),
                       remove);
        return false;
    }
    const bool ours = ::kill(static_cast<pid_t>(pid), 0) == 0;
    bool held_by_it = false;
    if (ours)
        for (const registry::ListeningPort& listening : registry::listening_ports(pid))
            held_by_it = held_by_it || listening.port == port;
    if (!held_by_it) {
        if (!probe(static_cast<uint16_t>(port), "")) {
            report.problem(name + ": port " + std::to_string(port) + " is not listening",
                           "the server closed its socket: restart it, or `peer-plan unregister " + id + "`");
            return true;
        }
        if (ours) {
            report.problem(name + ": port " + std::to_string(port) + " is listened on by another process, not by pid " +
                               std::to_string(pid),
                           "`peer-plan unregister " + id + "`, then restart the server so it registers its real port");
            return true;
        }
    }
    const std::string url = entry_text(entry, "url");
    if (page && url.substr(0, 5) == "ws://") {
        const std::string upgrade = "GET / HTTP/1.1\r\nHost: localhost:" + std::to_string(port) +
                                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                                    "Origin: " + page->origin + "\r\n\r\n";
        auto answer = probe(static_cast<uint16_t>(port), upgrade);
        if (answer && status_of(*answer) == 403) {
            report.problem(name + " refuses the page's Origin " + page->origin,
                           "open the page as http://localhost:" + std::to_string(page->port) +
                               "/, or start the server with --allow-origin " + page->origin);
            return true;
        }
    }
    report.ok(name + " is live: " + url);
    return true;
}

void check_registry_http(Report& report, const std::optional<Page>& page, const std::string& path,
                         const std::vector<std::string>& live_ids) {
    const std::string start = "registry-http --registry " + path;
    if (!page) return;
    const std::string request = "GET /api/registry HTTP/1.1\r\nHost: " + page->host_header + "\r\nOrigin: " +
                                page->origin + "\r\nConnection: close\r\n\r\n";
    auto answer = probe(page->port, request);
    if (!answer) {
        report.problem("registry-http is not running: nothing listens on port " + std::to_string(page->port), start);
        return;
    }
    const int status = status_of(*answer);
    if (status == 403) {
        report.problem("registry-http on port " + std::to_string(page->port) + " refuses the page's Host " +
                           page->host_header + " (or its Origin)",
                       "open the page as http://localhost:" + std::to_string(page->port) +
                           "/, or start registry-http with --allow-any-host (unsafe: DNS rebinding)");
        return;
    }
    if (status != 200) {
        report.problem("port " + std::to_string(page->port) + " answers /api/registry with " +
                           (status ? std::to_string(status) : std::string("no HTTP")) + ": is it registry-http?",
                       start + " --port " + std::to_string(page->port));
        return;
    }
    // The body may be longer than what probe() read: ask again for all of it.
    std::string body = answer->substr(answer->find("\r\n\r\n") + 4);
    auto served = json::parse(body);
    std::vector<std::string> served_ids;
    if (served.ok())
        for (const json::Value& entry : served.value().as_array()) served_ids.push_back(entry_text(entry, "id"));
    bool same = served.ok() && served_ids.size() == live_ids.size();
    for (const std::string& id : live_ids) same = same && std::find(served_ids.begin(), served_ids.end(), id) != served_ids.end();
    if (served.ok() && !same) {
        report.problem("registry-http on port " + std::to_string(page->port) + " serves " +
                           std::to_string(served_ids.size()) + " entries, not the " + std::to_string(live_ids.size()) +
                           " live ones of " + path + ": it reads another registry",
                       "restart it as " + start);
        return;
    }
    report.ok("registry-http on port " + std::to_string(page->port) + " serves " + std::to_string(served_ids.size()) +
              " live entries of " + path);
}

}  // namespace

int doctor(const registry::Store& store, std::string_view flag_value, std::string_view page_url) {
    Report report;
    const std::string& path = store.path();
    if (path.empty()) {
        report.problem("no registry path: HOME is not set and neither --registry nor $PEER_PLAN_REGISTRY is given",
                       "pass --registry PATH or export PEER_PLAN_REGISTRY=PATH");
        return report.finish();
    }
    std::printf("registry: %s (from %s)\n", path.c_str(), path_source(flag_value).c_str());
    const std::optional<Page> page = parse_page(page_url);
    if (!page)
        report.problem("--page " + std::string(page_url) + " is not an http://HOST:PORT/ address",
                       "peer-plan doctor --page http://localhost:5173/");
    check_other_paths(report, path, flag_value);
    std::vector<std::string> live_ids;
    if (check_files(report, path)) {
        auto document = store.read();
        if (!document.ok()) {
            report.problem("corrupt registry: " + document.error().message,
                           "move it aside: mv " + path + " " + path + ".bad (the next server start does it for you)");
        } else {
            const auto& servers = document.value().find("servers")->as_array();
            if (servers.empty()) report.problem("the registry " + path + " has no entries", "start a server (ws-server, or peer-plan run -- CMD)");
            for (const json::Value& entry : servers)
                if (check_entry(report, entry, page) && registry::entry_is_live(entry)) live_ids.push_back(entry_text(entry, "id"));
        }
    }
    check_registry_http(report, page, path, live_ids);
    return report.finish();
}

}  // namespace app
