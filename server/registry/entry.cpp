#include "registry/entry.h"

#include <random>

namespace registry {

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
