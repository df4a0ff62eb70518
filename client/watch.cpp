#include "watch.h"

#include <algorithm>
#include <charconv>

#include "base/ascii.h"
#include "json/reader.h"

namespace client {

namespace {

// A non-negative integer member, or nullopt.
std::optional<uint64_t> count_member(const json::Value& object, std::string_view key) {
    const json::Value* value = object.find(key);
    std::optional<int64_t> number = value ? value->as_int() : std::nullopt;
    if (!number || *number < 0) return std::nullopt;
    return static_cast<uint64_t>(*number);
}

std::string number_text(uint64_t value) {
    return std::to_string(value);
}

}  // namespace

Result<WatchMessage> parse_watch_message(std::string_view text) noexcept {
    Result<json::Value> parsed = json::parse(text);
    if (!parsed.ok()) return Error{"not JSON: " + parsed.error().message};
    const json::Value& object = parsed.value();
    const json::Value* type = object.find("type");
    if (!object.is_object() || type == nullptr || !type->is_string())
        return Error{"not an object with a \"type\" string"};

    WatchMessage message;
    const std::string& name = type->as_string();
    if (name == "snapshot")
        message.type = WatchType::snapshot;
    else if (name == "diff")
        message.type = WatchType::diff;
    else if (name == "heartbeat")
        message.type = WatchType::heartbeat;
    else
        return message;  // a newer server's message: nothing to check

    std::optional<uint64_t> epoch = count_member(object, "epoch");
    std::optional<uint64_t> gen = count_member(object, "gen");
    if (!epoch || !gen) return Error{"a " + name + " without \"epoch\" and \"gen\" counts"};
    message.position = {*epoch, *gen};

    if (message.type == WatchType::snapshot) {
        const json::Value* servers = object.find("servers");
        if (servers == nullptr || !servers->is_array()) return Error{"a snapshot without a \"servers\" array"};
        Registry registry = read_entries(servers->as_array());
        message.servers = std::move(registry.servers);
        message.problems = std::move(registry.problems);
        message.heartbeat_ms = count_member(object, "heartbeatMs").value_or(0);  // older servers: none
    } else if (message.type == WatchType::diff) {
        std::optional<uint64_t> base = count_member(object, "base");
        const json::Value* upsert = object.find("upsert");
        const json::Value* remove = object.find("remove");
        if (!base || upsert == nullptr || !upsert->is_array() || remove == nullptr || !remove->is_array())
            return Error{"a diff without \"base\", \"upsert\" and \"remove\""};
        message.base = *base;
        Registry registry = read_entries(upsert->as_array());
        message.servers = std::move(registry.servers);
        message.problems = std::move(registry.problems);
        for (const json::Value& id : remove->as_array()) {
            if (!id.is_string()) return Error{"a diff whose \"remove\" holds something other than ids"};
            message.remove.push_back(id.as_string());
        }
    }
    return message;
}

WatchCheck check_watch_message(const std::optional<WatchPosition>& held, const WatchMessage& message) {
    auto resubscribe = [](std::string reason) { return WatchCheck{WatchVerdict::resubscribe, std::move(reason)}; };
    switch (message.type) {
        case WatchType::snapshot:
            return {WatchVerdict::apply, {}};
        case WatchType::other:
            return {WatchVerdict::in_step, {}};
        case WatchType::diff:
        case WatchType::heartbeat:
            break;
    }
    const char* what = message.type == WatchType::diff ? "diff" : "heartbeat";
    if (!held) return resubscribe(std::string("a ") + what + " before any snapshot");
    if (message.position.epoch != held->epoch)
        return resubscribe(std::string("a ") + what + " of epoch " + number_text(message.position.epoch) +
                           ", the page holds epoch " + number_text(held->epoch));
    if (message.type == WatchType::heartbeat) {
        if (message.position.gen != held->gen)
            return resubscribe("a heartbeat at gen " + number_text(message.position.gen) +
                               ", the page holds gen " + number_text(held->gen));
        return {WatchVerdict::in_step, {}};
    }
    if (message.base != held->gen || message.position.gen <= message.base)
        return resubscribe("a diff from gen " + number_text(message.base) + " to " +
                           number_text(message.position.gen) + ", the page holds gen " + number_text(held->gen));
    return {WatchVerdict::apply, {}};
}

void apply_watch_message(const WatchMessage& message, std::vector<ServerInfo>& servers) {
    if (message.type == WatchType::snapshot) {
        servers = message.servers;
        return;
    }
    if (message.type != WatchType::diff) return;
    std::erase_if(servers, [&](const ServerInfo& server) {
        return std::find(message.remove.begin(), message.remove.end(), server.id) != message.remove.end();
    });
    for (const ServerInfo& fresh : message.servers) {
        auto it = std::find_if(servers.begin(), servers.end(),
                               [&](const ServerInfo& server) { return server.id == fresh.id; });
        if (it != servers.end())
            *it = fresh;
        else
            servers.push_back(fresh);
    }
}

std::string watch_path(const std::optional<WatchPosition>& resume) {
    std::string path = "/api/registry/watch";
    if (resume) path += "?epoch=" + number_text(resume->epoch) + "&gen=" + number_text(resume->gen);
    return path;
}

std::string format_etag(const WatchPosition& position) {
    return "\"" + number_text(position.epoch) + "." + number_text(position.gen) + "\"";
}

std::optional<WatchPosition> parse_etag(std::string_view etag) {
    if (etag.size() < 5 || etag.front() != '"' || etag.back() != '"') return std::nullopt;
    std::string_view inner = etag.substr(1, etag.size() - 2);
    size_t dot = inner.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    WatchPosition position;
    auto read = [](std::string_view digits, uint64_t& out) {
        if (digits.empty() || !std::all_of(digits.begin(), digits.end(), base::is_digit)) return false;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return error == std::errc{} && end == digits.data() + digits.size();
    };
    if (!read(inner.substr(0, dot), position.epoch) || !read(inner.substr(dot + 1), position.gen))
        return std::nullopt;
    return position;
}

std::string header_value(std::string_view headers, std::string_view name) {
    while (!headers.empty()) {
        size_t end = headers.find('\n');
        std::string_view line = headers.substr(0, end);
        headers = end == std::string_view::npos ? std::string_view{} : headers.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos || !base::iequals(line.substr(0, colon), name)) continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && base::is_ows(value.front())) value.remove_prefix(1);
        while (!value.empty() && base::is_ows(value.back())) value.remove_suffix(1);
        return std::string(value);
    }
    return {};
}

}  // namespace client
