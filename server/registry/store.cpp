#include "registry/store.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "base/clock.h"
#include "base/log.h"
#include "base/unique_fd.h"
#include "json/reader.h"
#include "json/writer.h"
#include "registry/process.h"

namespace registry {
namespace {

json::Value empty_registry() { return json::Value::object({{"servers", json::Value::array()}}); }

// "line L, column C" of the first character of the top-level value.
std::string top_level_position(std::string_view text) {
    size_t line = 1, column = 1;
    size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    for (; pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r');
         ++pos) {
        if (text[pos] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The document if it is a registry; else an Error "line L, column C: ...".
Result<json::Value> parse_registry(std::string_view text) {
    if (text.empty()) return empty_registry();  // holds nothing that could be lost
    Result<json::Value> document = json::parse(text);
    if (!document.ok()) return document;
    const json::Value* servers = document.value().find("servers");
    if (!servers || !servers->is_array()) {
        return Error{top_level_position(text) + ": expected an object with a \"servers\" array"};
    }
    return document;
}

// Renames an unreadable file to "<path>.corrupt-<unix ms>", warning why.
Status move_aside(const std::string& path, const std::string& why) {
    int64_t stamp = base::wall_ms();
    std::string aside = path + ".corrupt-" + std::to_string(stamp);
    struct stat info {};
    while (::lstat(aside.c_str(), &info) == 0) aside = path + ".corrupt-" + std::to_string(++stamp);
    if (::rename(path.c_str(), aside.c_str()) != 0) return sys_error("rename(" + path + ", " + aside + ")");
    base::warn(path + " " + why + "; moved aside to " + aside + ", starting a fresh registry");
    return Ok{};
}

Result<json::Value> load_for_update(const std::string& path) {
    bool too_large = false;
    Result<std::optional<std::string>> text = read_registry_file(path, &too_large);
    if (too_large) {
        // The reader refuses it, so every server would fail on it for ever.
        if (Status moved = move_aside(path, "is larger than 4 MiB"); !moved.ok()) return moved.error();
        return empty_registry();
    }
    if (!text.ok()) return text.error();
    if (!text.value()) return empty_registry();
    Result<json::Value> document = parse_registry(*text.value());
    if (document.ok()) return document;
    // Never overwrite what we cannot read: it may be a hand edit gone wrong.
    if (Status moved = move_aside(path, document.error().message); !moved.ok()) return moved.error();
    return empty_registry();
}

// The seeds' indented layout, or compact when that would pass the reader's
// limit (deeply nested unknown fields grow ~50-fold indented); an Error when
// even compact it would, so that no writer leaves a file no reader takes.
Result<std::string> serialize_within_limit(const json::Value& document, const std::string& path) {
    std::string text = json::to_string(document, 2);
    if (text.size() <= kMaxFileBytes) return text;
    const size_t indented = text.size();
    text = json::to_string(document, 0) + "\n";
    if (text.size() > kMaxFileBytes) {
        return Error{"the change would make " + path + " " + std::to_string(text.size()) +
                     " bytes, over the 4 MiB a reader accepts; the file is left as it was"};
    }
    base::warn(path + " written compact (" + std::to_string(text.size()) + " bytes): indented it would be " +
               std::to_string(indented) + " bytes, over the 4 MiB a reader accepts");
    return text;
}

Error no_path() { return Error{"no registry path: pass --registry PATH, or set PEER_PLAN_REGISTRY or HOME"}; }

}  // namespace

std::string resolve_path(std::string_view flag_value) {
    if (!flag_value.empty()) return std::string(flag_value);
    const char* env = std::getenv("PEER_PLAN_REGISTRY");
    if (env && *env) return env;
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
        const passwd* user = ::getpwuid(::getuid());
        home = user ? user->pw_dir : nullptr;
    }
    if (!home || !*home) return "";
    std::string path = home;
    if (path.back() != '/') path += '/';
    return path + ".peer-plan/servers.json";
}

Store::Store(std::string path) : path_(std::move(path)) {}

Status Store::update(const std::function<void(json::Value::Array& servers)>& change) {
    if (path_.empty()) return no_path();
    if (Status made = ensure_trusted_folder(folder_of(path_)); !made.ok()) return made;
    Result<UniqueFd> lock = lock_file(path_ + ".lock", lock_wait_);  // released when it goes out of scope
    if (!lock.ok()) return lock.error();
    remove_stale_temps(path_);
    Result<json::Value> document = load_for_update(path_);
    if (!document.ok()) return document.error();
    change(document.value().find("servers")->as_array());
    Result<std::string> text = serialize_within_limit(document.value(), path_);
    if (!text.ok()) return text.error();
    return replace_file(path_, text.value());
}

Result<json::Value> Store::read() const {
    if (path_.empty()) return no_path();
    if (Status trusted = check_trusted_folder(folder_of(path_)); !trusted.ok()) return trusted.error();
    Result<std::optional<std::string>> text = read_registry_file(path_);
    if (!text.ok()) return text.error();
    if (!text.value()) return empty_registry();
    Result<json::Value> document = parse_registry(*text.value());
    if (!document.ok()) return Error{path_ + " " + document.error().message};
    return document;
}

Status register_entry(Store& store, const Entry& entry) { return register_entry(store, to_json(entry)); }

Status register_entry(Store& store, json::Value entry) { return register_entry(store, std::move(entry), {}); }

Status register_entry(Store& store, json::Value entry, const std::function<Status()>& before_visible) {
    const json::Value* port_value = entry.find("port");
    const json::Value* id_value = entry.find("id");
    if (!port_value || !port_value->as_int() || !id_value || !id_value->is_string())
        return Error{"an entry needs an integer port and a string id"};
    const int64_t entry_port = *port_value->as_int();
    const std::string entry_id = id_value->as_string();
    std::string clash;  // a live server already uses this id: unregistering one would remove both
    std::optional<Error> not_opened;  // before_visible failed
    const json::Value* url_value = entry.find("url");
    const std::string entry_address = url_address(url_value && url_value->is_string() ? url_value->as_string() : "");
    Status written = store.update([&](json::Value::Array& servers) {
        std::erase_if(servers, [&](const json::Value& server) {
            const json::Value* port = server.find("port");
            const json::Value* url = server.find("url");
            if (port && port->as_int() == entry_port &&
                url_address(url && url->is_string() ? url->as_string() : std::string_view()) == entry_address)
                return true;  // the same address and port: an earlier life of this endpoint
            return !entry_is_live(server);
        });
        for (const json::Value& server : servers) {
            const json::Value* id = server.find("id");
            if (id && id->as_string() == entry_id) {
                const json::Value* pid = server.find("pid");
                clash = "id '" + entry_id + "' is already registered by pid " +
                        std::to_string(pid ? pid->as_int().value_or(0) : 0);
                return;
            }
        }
        if (before_visible) {
            if (Status opened = before_visible(); !opened.ok()) {
                not_opened = opened.error();
                return;
            }
        }
        servers.push_back(std::move(entry));
    });
    if (!written.ok()) return written;
    if (!clash.empty()) return Error{clash};
    if (not_opened) return *not_opened;
    return Ok{};
}

Status unregister_entry(Store& store, std::string_view id) {
    return store.update([id](json::Value::Array& servers) {
        std::erase_if(servers, [id](const json::Value& server) {
            const json::Value* server_id = server.find("id");
            return server_id && server_id->is_string() && server_id->as_string() == id;
        });
    });
}

Result<json::Value::Array> live_entries(const Store& store) {
    Result<json::Value> document = store.read();
    if (!document.ok()) return document.error();
    json::Value::Array live;
    for (const json::Value& server : document.value().find("servers")->as_array()) {
        if (entry_is_live(server)) live.push_back(server);
    }
    return live;
}

}  // namespace registry
