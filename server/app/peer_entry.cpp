#include "app/peer_entry.h"

#include <unistd.h>

#include <climits>
#include <random>

#include "base/civil_time.h"
#include "base/clock.h"
#include "registry/entry.h"

namespace app {

Result<std::pair<std::string, std::string>> parse_meta(std::string_view argument) {
    const size_t eq = argument.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return Error{"--meta: '" + std::string(argument) + "' is not KEY=VALUE"};
    return std::pair<std::string, std::string>(argument.substr(0, eq), argument.substr(eq + 1));
}

Result<std::vector<std::pair<std::string, std::string>>> parse_meta_list(const std::vector<std::string>& arguments) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& argument : arguments) {
        auto pair = parse_meta(argument);
        if (!pair.ok()) return pair.error();
        std::erase_if(out, [&](const auto& kv) { return kv.first == pair.value().first; });
        out.push_back(std::move(pair.value()));
    }
    return out;
}

std::string default_url(std::string_view kind, int port, std::string_view host) {
    const bool websocket = kind == "echo" || kind == "ws" || kind == "yjs";
    std::string name = host.empty() ? "localhost" : std::string(host);
    if (name.find(':') != std::string::npos) name = "[" + name + "]";
    return (websocket ? "ws://" : "http://") + name + ":" + std::to_string(port);
}

std::string random_hex(size_t length) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device device;
    std::uniform_int_distribution<int> pick(0, 15);
    std::string out;
    for (size_t i = 0; i < length; ++i) out += kHex[pick(device)];
    return out;
}

std::string host_name() {
    char name[256] = {};  // HOST_NAME_MAX is 64 on Linux, undefined on macOS
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

json::Value make_entry(const EntryLabels& labels, int port, int64_t pid) {
    const int64_t started = base::wall_ms();
    registry::Entry base;
    base.id = registry::make_id(started);
    base.port = port;
    base.url = labels.url.empty() ? default_url(labels.kind, port, labels.advertise) : labels.url;
    base.pid = pid;
    base.started_at = base::format_iso8601_ms(started);
    json::Value entry = registry::to_json(base);
    entry.set("name", json::Value::string(labels.name.empty() ? base.id : labels.name));
    entry.set("kind", json::Value::string(labels.kind));
    entry.set("instance", json::Value::string(random_hex(32)));
    entry.set("host", json::Value::string(labels.advertise.empty() ? host_name() : labels.advertise));
    json::Value meta = json::Value::object();
    for (const auto& [key, value] : labels.meta) meta.set(key, json::Value::string(value));
    entry.set("meta", std::move(meta));
    return entry;
}

}  // namespace app
