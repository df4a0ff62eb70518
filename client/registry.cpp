// Reads registry-http's answer with the project's strict JSON reader
// (server/json). Per entry: "id" (non-empty string) and "port" (integer
// 1-65535) are required; "pid" (positive integer), "url", "startedAt",
// "name", "kind", "instance", "status" (strings), "connections" and
// "messages" (integers) are optional; other fields are ignored, as the spec
// keeps unknown fields for newer versions.
#include "registry.h"

#include <algorithm>

#include "base/ascii.h"
#include "json/reader.h"

namespace client {

namespace {

// Fills `server` from one entry, or says what is wrong with it.
std::string read_entry(const json::Value& entry, ServerInfo& server) {
    if (!entry.is_object()) return "is not an object";
    const json::Value* id = entry.find("id");
    if (id == nullptr || !id->is_string() || id->as_string().empty()) return "has no \"id\" string";
    server.id = id->as_string();
    std::string name = "(" + server.id + ") ";

    const json::Value* port = entry.find("port");
    std::optional<int64_t> port_number = port ? port->as_int() : std::nullopt;
    if (!port_number || *port_number < 1 || *port_number > 65535)
        return name + "has no \"port\" from 1 to 65535";
    server.port = static_cast<int>(*port_number);

    if (const json::Value* pid = entry.find("pid"); pid != nullptr && !pid->is_null()) {
        std::optional<int64_t> pid_number = pid->as_int();
        if (!pid_number || *pid_number < 1) return name + "has a \"pid\" that is not a positive integer";
        server.pid = *pid_number;
    }
    struct Text {
        const char* key;
        std::string ServerInfo::*field;
    };
    for (const Text& text : {Text{"url", &ServerInfo::url}, Text{"startedAt", &ServerInfo::started_at},
                             Text{"name", &ServerInfo::name}, Text{"kind", &ServerInfo::kind},
                             Text{"instance", &ServerInfo::instance}, Text{"status", &ServerInfo::status}}) {
        const json::Value* value = entry.find(text.key);
        if (value == nullptr || value->is_null()) continue;
        if (!value->is_string()) return name + "has a \"" + text.key + "\" that is not a string";
        server.*text.field = value->as_string();
    }
    struct Count {
        const char* key;
        int64_t ServerInfo::*field;
    };
    for (const Count& count : {Count{"connections", &ServerInfo::connections},
                               Count{"messages", &ServerInfo::messages}}) {
        const json::Value* value = entry.find(count.key);
        if (value == nullptr || value->is_null()) continue;
        std::optional<int64_t> number = value->as_int();
        if (!number || *number < 0) return name + "has a \"" + count.key + "\" that is not a count";
        server.*count.field = *number;
    }
    return {};
}

bool is_url_char(char c) {
    // RFC 3986 unreserved, sub-delims, ':' '/' '?' '@' '[' ']' '%'; no '#',
    // which makes the WebSocket constructor throw, and no spaces or controls.
    if (base::is_alpha(c) || base::is_digit(c)) return true;
    return std::string_view("-._~!$&'()*+,;=:/?@[]%").find(c) != std::string_view::npos;
}

bool is_socket_scheme(std::string_view url) {
    return url.starts_with("ws://") || url.starts_with("wss://");
}

bool usable_socket_url(std::string_view url) {
    std::string_view rest;
    if (url.starts_with("ws://"))
        rest = url.substr(5);
    else if (url.starts_with("wss://"))
        rest = url.substr(6);
    else
        return false;
    if (rest.empty() || rest.front() == '/' || rest.front() == ':') return false;  // no host
    return std::all_of(rest.begin(), rest.end(), is_url_char);
}

}  // namespace

Result<Registry> parse_registry(std::string_view body) noexcept {
    Result<json::Value> parsed = json::parse(body);
    if (!parsed.ok()) return Error{"not JSON: " + parsed.error().message};
    const json::Value* list = &parsed.value();
    if (list->is_object()) {
        list = list->find("servers");
        if (list == nullptr || !list->is_array()) return Error{"the object has no \"servers\" array"};
    }
    if (!list->is_array()) return Error{"expected a JSON array of servers"};
    return read_entries(list->as_array());
}

Registry read_entries(const std::vector<json::Value>& list) {
    Registry registry;
    size_t number = 0;
    for (const json::Value& entry : list) {
        ++number;
        std::string where = "entry " + std::to_string(number) + " ";
        ServerInfo server;
        if (std::string problem = read_entry(entry, server); !problem.empty()) {
            registry.problems.push_back(where + problem);
            continue;
        }
        bool duplicate = std::any_of(registry.servers.begin(), registry.servers.end(),
                                     [&](const ServerInfo& known) { return known.id == server.id; });
        if (duplicate) {
            registry.problems.push_back(where + "repeats the id " + server.id + "; the first is kept");
            continue;
        }
        registry.servers.push_back(std::move(server));
    }
    return registry;
}

RegistryDiff diff_registry(std::span<const ServerInfo> known, std::span<const ServerInfo> fresh) {
    RegistryDiff diff;
    auto find = [](std::span<const ServerInfo> list, const std::string& id) {
        return std::find_if(list.begin(), list.end(), [&](const ServerInfo& s) { return s.id == id; });
    };
    for (const ServerInfo& server : known)
        if (find(fresh, server.id) == fresh.end()) diff.removed.push_back(server.id);
    for (size_t i = 0; i < fresh.size(); ++i) {
        auto it = find(known, fresh[i].id);
        if (it == known.end())
            diff.added.push_back(i);
        else if (!same_process(*it, fresh[i]))
            diff.replaced.push_back(i);
        else if (!(*it == fresh[i]))
            diff.updated.push_back(i);
    }
    return diff;
}

bool is_echo(const ServerInfo& server) {
    return server.kind.empty() || server.kind == "echo";
}

bool has_socket(const ServerInfo& server) {
    // Only another scheme ("http://...") means no socket; a url without one is
    // unusable and falls back to the port, as before.
    return is_socket_scheme(server.url) || server.url.find("://") == std::string::npos;
}

bool same_process(const ServerInfo& a, const ServerInfo& b) {
    return a.id == b.id && a.port == b.port && a.pid == b.pid && a.url == b.url &&
           a.started_at == b.started_at && a.instance == b.instance && a.kind == b.kind;
}

std::string socket_url(const ServerInfo& server, std::string_view page_host) {
    if (!has_socket(server)) return {};
    if (usable_socket_url(server.url)) return server.url;
    std::string host = page_host.empty() || !std::all_of(page_host.begin(), page_host.end(), is_url_char)
                           ? std::string("localhost")
                           : std::string(page_host);
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";  // IPv6
    return "ws://" + host + ":" + std::to_string(server.port);
}

}  // namespace client
