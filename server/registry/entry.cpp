#include "registry/entry.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <random>

namespace registry {
namespace {

// The canonical text of a numeric address (inet_ntop of inet_pton); other
// text as it is, localhost as 127.0.0.1.
std::string canonical_address(std::string_view host) {
    std::string text(host);
    if (text.empty() || text == "localhost") return "127.0.0.1";
    char shown[INET6_ADDRSTRLEN];
    in_addr v4{};
    in6_addr v6{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1 && ::inet_ntop(AF_INET, &v4, shown, sizeof shown)) return shown;
    if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1 && ::inet_ntop(AF_INET6, &v6, shown, sizeof shown)) return shown;
    return text;
}

}  // namespace

std::string url_for(std::string_view host, int port) {
    const std::string address = canonical_address(host);
    const std::string tail = ":" + std::to_string(port);
    if (address == "127.0.0.1" || address == "0.0.0.0" || address == "::") return "ws://localhost" + tail;
    if (address.find(':') != std::string::npos) return "ws://[" + address + "]" + tail;
    return "ws://" + address + tail;
}

std::string url_address(std::string_view url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return "127.0.0.1";
    std::string_view authority = url.substr(scheme + 3);
    authority = authority.substr(0, authority.find('/'));
    if (authority.starts_with('[')) {
        const size_t close = authority.find(']');
        return canonical_address(authority.substr(1, close == std::string_view::npos ? close : close - 1));
    }
    return canonical_address(authority.substr(0, authority.find(':')));
}

bool same_endpoint(const json::Value& server, const Entry& entry) {
    const json::Value* port = server.find("port");
    if (!port || port->as_int() != entry.port) return false;
    const json::Value* url = server.find("url");
    return url_address(url && url->is_string() ? url->as_string() : std::string_view()) == url_address(entry.url);
}

json::Value to_json(const Entry& entry) {
    return json::Value::object({
        {"id", json::Value::string(entry.id)},
        {"port", json::Value::number(entry.port)},
        {"url", json::Value::string(entry.url)},
        {"pid", json::Value::number(entry.pid)},
        {"startedAt", json::Value::string(entry.started_at)},
    });
}

std::optional<Entry> from_json(const json::Value& value) {
    if (!value.is_object()) return std::nullopt;
    const json::Value* port = value.find("port");
    const std::optional<int64_t> port_number = port ? port->as_int() : std::nullopt;
    if (!port_number || *port_number < 1 || *port_number > 65535) return std::nullopt;
    Entry entry;
    entry.port = static_cast<int>(*port_number);
    if (const json::Value* id = value.find("id")) entry.id = id->as_string();
    if (const json::Value* url = value.find("url")) entry.url = url->as_string();
    if (const json::Value* pid = value.find("pid")) entry.pid = pid->as_int().value_or(0);
    if (const json::Value* started = value.find("startedAt")) entry.started_at = started->as_string();
    return entry;
}

std::string make_id(int64_t unix_ms) {
    static constexpr char kBase36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::random_device device;
    std::uniform_int_distribution<int> pick(0, 35);
    std::string id = "server-" + std::to_string(unix_ms) + "-";
    for (int i = 0; i < 6; ++i) id += kBase36[pick(device)];
    return id;
}

}  // namespace registry
