#include "registry/etcd_codec.h"

#include <algorithm>
#include <charconv>

#include "json/reader.h"
#include "json/writer.h"
#include "websocket/base64.h"

namespace registry::etcd {
namespace {

using json::Value;

std::string b64(std::string_view bytes) { return "\"" + websocket::base64_encode(bytes) + "\""; }
std::string quoted_int(int64_t value) { return "\"" + std::to_string(value) + "\""; }

Result<Value> parse_object(std::string_view body, std::string_view what) {
    auto parsed = json::parse(body);
    if (!parsed.ok()) return Error{std::string(what) + ": answer is not JSON: " + parsed.error().message};
    if (!parsed.value().is_object()) return Error{std::string(what) + ": answer is not a JSON object"};
    return std::move(parsed.value());
}

Result<std::string> bytes_member(const Value& object, std::string_view name) {
    const Value* member = object.find(name);
    if (member == nullptr) return std::string{};
    if (!member->is_string()) return Error{"'" + std::string(name) + "' is not a base64 string"};
    auto decoded = websocket::base64_decode(member->as_string());
    if (!decoded.ok()) return Error{"'" + std::string(name) + "': " + decoded.error().message};
    return std::move(decoded.value());
}

Result<KeyValue> parse_kv(const Value& object) {
    if (!object.is_object()) return Error{"a key-value is not an object"};
    KeyValue kv;
    auto key = bytes_member(object, "key");
    if (!key.ok()) return key.error();
    auto value = bytes_member(object, "value");
    if (!value.ok()) return value.error();
    kv.key = std::move(key.value());
    kv.value = std::move(value.value());
    for (auto [name, into] : {std::pair<std::string_view, int64_t*>{"create_revision", &kv.create_revision},
                              {"mod_revision", &kv.mod_revision},
                              {"lease", &kv.lease}}) {
        auto number = int64_member(object, name);
        if (!number.ok()) return number.error();
        *into = number.value();
    }
    return kv;
}

Result<std::vector<KeyValue>> parse_kvs(const Value& object) {
    std::vector<KeyValue> kvs;
    const Value* list = object.find("kvs");
    if (list == nullptr) return kvs;
    if (!list->is_array()) return Error{"'kvs' is not an array"};
    for (const Value& item : list->as_array()) {
        auto kv = parse_kv(item);
        if (!kv.ok()) return kv.error();
        kvs.push_back(std::move(kv.value()));
    }
    return kvs;
}

Result<int64_t> header_revision(const Value& object) {
    const Value* header = object.find("header");
    if (header == nullptr) return int64_t{0};
    return int64_member(*header, "revision");
}

Error in(std::string_view what, const Error& error) { return Error{std::string(what) + ": " + error.message}; }

}  // namespace

std::string prefix_range_end(std::string_view prefix) {
    std::string end(prefix);
    while (!end.empty()) {
        auto last = static_cast<unsigned char>(end.back());
        if (last < 0xFF) {
            end.back() = static_cast<char>(last + 1);
            return end;
        }
        end.pop_back();
    }
    return std::string(1, '\0');
}

Result<int64_t> int64_member(const Value& object, std::string_view name) {
    const Value* member = object.find(name);
    if (member == nullptr) return int64_t{0};
    if (member->is_number()) {
        if (auto value = member->as_int()) return *value;
        return Error{"'" + std::string(name) + "' is not an int64: " + member->number_raw()};
    }
    if (!member->is_string()) return Error{"'" + std::string(name) + "' is not an int64"};
    const std::string& text = member->as_string();
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return Error{"'" + std::string(name) + "' is not an int64: \"" + text + "\""};
    return value;
}

std::string grant_body(int64_t ttl_seconds) { return "{\"TTL\":" + std::to_string(ttl_seconds) + "}"; }
std::string keepalive_body(int64_t lease) { return "{\"ID\":" + quoted_int(lease) + "}"; }
std::string revoke_body(int64_t lease) { return keepalive_body(lease); }

std::string put_body(std::string_view key, std::string_view value, int64_t lease) {
    std::string body = "{\"key\":" + b64(key) + ",\"value\":" + b64(value);
    if (lease != 0) body += ",\"lease\":" + quoted_int(lease);
    return body + "}";
}

std::string create_txn_body(std::string_view key, std::string_view value, int64_t lease) {
    return "{\"compare\":[{\"target\":\"CREATE\",\"key\":" + b64(key) +
           ",\"create_revision\":\"0\"}],\"success\":[{\"request_put\":" + put_body(key, value, lease) +
           "}],\"failure\":[{\"request_range\":{\"key\":" + b64(key) + "}}]}";
}

std::string range_prefix_body(std::string_view prefix) {
    return "{\"key\":" + b64(prefix) + ",\"range_end\":" + b64(prefix_range_end(prefix)) + "}";
}

std::string delete_body(std::string_view key) { return "{\"key\":" + b64(key) + "}"; }

std::string watch_body(std::string_view prefix, int64_t start_revision) {
    return "{\"create_request\":{\"key\":" + b64(prefix) + ",\"range_end\":" + b64(prefix_range_end(prefix)) +
           ",\"start_revision\":" + quoted_int(start_revision) + ",\"prev_kv\":true}}";
}

std::string authenticate_body(std::string_view user, std::string_view password) {
    std::string body = "{\"name\":";
    json::append_escaped(body, user);
    body += ",\"password\":";
    json::append_escaped(body, password);
    return body + "}";
}

Result<Lease> parse_grant(std::string_view body) {
    auto object = parse_object(body, "lease/grant");
    if (!object.ok()) return object.error();
    auto id = int64_member(object.value(), "ID");
    if (!id.ok()) return in("lease/grant", id.error());
    auto ttl = int64_member(object.value(), "TTL");
    if (!ttl.ok()) return in("lease/grant", ttl.error());
    if (id.value() == 0) return Error{"lease/grant: answer has no lease ID"};
    return Lease{id.value(), ttl.value()};
}

Result<std::optional<int64_t>> parse_keepalive(std::string_view body) {
    // A stream answer: one message per line ({"result":{...}}), possibly
    // with a final line end.
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    auto object = parse_object(body, "lease/keepalive");
    if (!object.ok()) return object.error();
    const Value* result = object.value().find("result");
    if (result == nullptr) {
        if (auto error = parse_error(body)) return Error{"lease/keepalive: " + error->what};
        return Error{"lease/keepalive: answer has no 'result'"};
    }
    if (result->find("TTL") == nullptr) return std::optional<int64_t>{};
    auto ttl = int64_member(*result, "TTL");
    if (!ttl.ok()) return in("lease/keepalive", ttl.error());
    if (ttl.value() <= 0) return std::optional<int64_t>{};  // expired while we asked
    return std::optional<int64_t>{ttl.value()};
}

Result<TxnResult> parse_txn(std::string_view body) {
    auto object = parse_object(body, "kv/txn");
    if (!object.ok()) return object.error();
    TxnResult result;
    result.succeeded = object.value().find("succeeded") && object.value().find("succeeded")->as_bool();
    auto revision = header_revision(object.value());
    if (!revision.ok()) return in("kv/txn", revision.error());
    result.revision = revision.value();
    if (const Value* responses = object.value().find("responses")) {
        for (const Value& response : responses->as_array()) {
            const Value* range = response.find("response_range");
            if (range == nullptr) continue;
            auto kvs = parse_kvs(*range);
            if (!kvs.ok()) return in("kv/txn", kvs.error());
            for (KeyValue& kv : kvs.value()) result.existing.push_back(std::move(kv));
        }
    }
    return result;
}

Result<RangeResult> parse_range(std::string_view body) {
    auto object = parse_object(body, "kv/range");
    if (!object.ok()) return object.error();
    RangeResult result;
    auto revision = header_revision(object.value());
    if (!revision.ok()) return in("kv/range", revision.error());
    result.revision = revision.value();
    auto kvs = parse_kvs(object.value());
    if (!kvs.ok()) return in("kv/range", kvs.error());
    result.kvs = std::move(kvs.value());
    const Value* more = object.value().find("more");
    result.more = more && more->as_bool();
    return result;
}

Result<int64_t> parse_header_revision(std::string_view body) {
    auto object = parse_object(body, "etcd");
    if (!object.ok()) return object.error();
    return header_revision(object.value());
}

Result<std::string> parse_token(std::string_view body) {
    auto object = parse_object(body, "auth/authenticate");
    if (!object.ok()) return object.error();
    const Value* token = object.value().find("token");
    if (token == nullptr || !token->is_string() || token->as_string().empty())
        return Error{"auth/authenticate: answer has no token"};
    return token->as_string();
}

Result<WatchMessage> parse_watch_line(std::string_view line) {
    auto object = parse_object(line, "watch");
    if (!object.ok()) return object.error();
    const Value* result = object.value().find("result");
    if (result == nullptr) {
        if (auto error = parse_error(line)) return Error{"watch: " + error->what};
        return Error{"watch: message has no 'result'"};
    }
    WatchMessage message;
    message.created = result->find("created") && result->find("created")->as_bool();
    message.canceled = result->find("canceled") && result->find("canceled")->as_bool();
    for (auto [name, into] : {std::pair<std::string_view, int64_t*>{"watch_id", &message.watch_id},
                              {"compact_revision", &message.compact_revision}}) {
        auto number = int64_member(*result, name);
        if (!number.ok()) return in("watch", number.error());
        *into = number.value();
    }
    auto revision = header_revision(*result);
    if (!revision.ok()) return in("watch", revision.error());
    message.revision = revision.value();
    if (const Value* reason = result->find("cancel_reason")) message.cancel_reason = reason->as_string();
    if (const Value* events = result->find("events")) {
        if (!events->is_array()) return Error{"watch: 'events' is not an array"};
        for (const Value& item : events->as_array()) {
            WatchEvent event;
            const Value* type = item.find("type");
            if (type != nullptr && type->as_string() == "DELETE") event.type = WatchEvent::Type::remove;
            else if (type != nullptr && type->as_string() != "PUT")
                return Error{"watch: unknown event type '" + type->as_string() + "'"};
            const Value* kv = item.find("kv");
            if (kv == nullptr) return Error{"watch: an event has no 'kv'"};
            auto parsed = parse_kv(*kv);
            if (!parsed.ok()) return in("watch", parsed.error());
            event.kv = std::move(parsed.value());
            if (const Value* prev = item.find("prev_kv")) {
                auto previous = parse_kv(*prev);
                if (!previous.ok()) return in("watch", previous.error());
                event.prev_kv = std::move(previous.value());
            }
            message.events.push_back(std::move(event));
        }
    }
    return message;
}

Result<json::Value> entry_value(const KeyValue& kv) {
    auto parsed = json::parse(kv.value);
    if (!parsed.ok()) return Error{"value is not JSON: " + parsed.error().message};
    if (!parsed.value().is_object()) return Error{"value is not a JSON object"};
    return std::move(parsed.value());
}

std::vector<json::Value> entries_in_order(const std::vector<KeyValue>& kvs,
                                          std::vector<std::pair<std::string, std::string>>* skipped) {
    std::vector<const KeyValue*> order;
    for (const KeyValue& kv : kvs) order.push_back(&kv);
    std::stable_sort(order.begin(), order.end(), [](const KeyValue* a, const KeyValue* b) {
        return a->create_revision != b->create_revision ? a->create_revision < b->create_revision : a->key < b->key;
    });
    std::vector<json::Value> entries;
    for (const KeyValue* kv : order) {
        auto entry = entry_value(*kv);
        if (entry.ok()) entries.push_back(std::move(entry.value()));
        else if (skipped) skipped->emplace_back(kv->key, entry.error().message);
    }
    return entries;
}

std::optional<GatewayError> parse_error(std::string_view body) {
    auto parsed = json::parse(body);
    if (!parsed.ok() || !parsed.value().is_object()) return std::nullopt;
    const Value* error = parsed.value().find("error");
    if (error == nullptr) return std::nullopt;
    GatewayError out;
    if (error->is_object()) {  // a stream's error message
        out.what = error->find("message") ? error->find("message")->as_string() : std::string{};
        auto code = int64_member(*error, "grpc_code");
        out.code = code.ok() ? static_cast<int>(code.value()) : 0;
        return out;
    }
    const Value* message = parsed.value().find("message");
    out.what = message && message->is_string() ? message->as_string() : error->as_string();
    auto code = int64_member(parsed.value(), "code");
    out.code = code.ok() ? static_cast<int>(code.value()) : 0;
    return out;
}

std::string describe_failure(std::string_view endpoint, std::string_view call, int status, std::string_view body) {
    std::string out = "etcd " + std::string(endpoint) + ": " + std::string(call) + ": ";
    if (auto error = parse_error(body)) {
        out += error->what + " (" + std::to_string(status) + ", code " + std::to_string(error->code) + ")";
        return out;
    }
    out += "HTTP " + std::to_string(status);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    if (!body.empty()) {
        std::string quoted;
        for (char c : body.substr(0, 200)) quoted += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
        out += ": '" + quoted + "'" + (body.size() > 200 ? "..." : "");
    }
    return out;
}

}  // namespace registry::etcd
