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

#include "base/log.h"
#include "base/unique_fd.h"
#include "json/reader.h"
#include "json/writer.h"
#include "registry/process.h"

namespace registry {
namespace {

json::Value empty_registry() { return json::Value::object({{"servers", json::Value::array()}}); }

std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Only the last component: a missing parent more likely means a mistyped
// path than a wish for a whole new tree.
Status ensure_folder(const std::string& folder) {
    struct stat info {};
    if (::stat(folder.c_str(), &info) == 0) return Ok{};
    if (::mkdir(folder.c_str(), 0700) == 0 || errno == EEXIST) return Ok{};
    const bool parent_missing = errno == ENOENT;
    Error error = sys_error("mkdir(" + folder + ")");
    if (parent_missing) error.message += " (its parent folder " + folder_of(folder) + " does not exist)";
    return error;
}

// A file that removes its path when dropped, unless kept: the temporary
// file of a write that did not reach its rename.
class TempPath {
public:
    explicit TempPath(std::string path) : path_(std::move(path)) {}
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;
    ~TempPath() {
        if (!kept_) ::unlink(path_.c_str());
    }
    void keep() { kept_ = true; }

private:
    std::string path_;
    bool kept_ = false;
};

Result<UniqueFd> lock_registry(const std::string& lock_path) {
    // O_RDWR, not O_RDONLY: where flock is emulated with fcntl locks (NFS) an
    // exclusive lock needs a writable descriptor.
    UniqueFd fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) return sys_error("open(" + lock_path + ")");
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) return sys_error("flock(" + lock_path + ")");
    }
    return Result<UniqueFd>(std::move(fd));
}

// The file's bytes, or nullopt when it does not exist.
Result<std::optional<std::string>> read_file(const std::string& path) {
    // O_NONBLOCK so that a FIFO put in its place cannot hang us before fstat.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::optional<std::string>();
        return sys_error("open(" + path + ")");
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return sys_error("fstat(" + path + ")");
    if (!S_ISREG(info.st_mode)) return Error{path + " is not a regular file"};
    const Error too_large{path + " is larger than 4 MiB"};
    if (static_cast<uint64_t>(info.st_size) > kMaxFileBytes) return too_large;
    std::string text;
    text.reserve(static_cast<size_t>(info.st_size));
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return sys_error("read(" + path + ")");
        if (got == 0) return std::optional<std::string>(std::move(text));
        text.append(buffer, static_cast<size_t>(got));
        if (text.size() > kMaxFileBytes) return too_large;  // it grew since fstat
    }
}

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

Result<json::Value> load_for_update(const std::string& path) {
    Result<std::optional<std::string>> text = read_file(path);
    if (!text.ok()) return text.error();
    if (!text.value()) return empty_registry();
    Result<json::Value> document = parse_registry(*text.value());
    if (document.ok()) return document;
    // Never overwrite what we cannot read: it may be a hand edit gone wrong.
    int64_t stamp = now_ms();
    std::string aside = path + ".corrupt-" + std::to_string(stamp);
    struct stat info {};
    while (::lstat(aside.c_str(), &info) == 0) aside = path + ".corrupt-" + std::to_string(++stamp);
    if (::rename(path.c_str(), aside.c_str()) != 0) return sys_error("rename(" + path + ", " + aside + ")");
    base::warn(path + " " + document.error().message + "; moved aside to " + aside + ", starting a fresh registry");
    return empty_registry();
}

Status write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        const ssize_t wrote = ::write(fd, data.data(), data.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0) return sys_error("write(" + path + ")");
        data.remove_prefix(static_cast<size_t>(wrote));
    }
    return Ok{};
}

Status replace_file(const std::string& path, const std::string& folder, std::string_view contents) {
    std::string temp_path = path + ".XXXXXX";
    UniqueFd fd(::mkstemp(temp_path.data()));  // mode 0600, in the same folder so rename is atomic
    if (!fd) return sys_error("mkstemp(" + temp_path + ")");
    TempPath temp(temp_path);
    ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    if (Status wrote = write_all(fd.get(), contents, temp_path); !wrote.ok()) return wrote;
    if (::fsync(fd.get()) != 0) return sys_error("fsync(" + temp_path + ")");
    if (::close(fd.release()) != 0) return sys_error("close(" + temp_path + ")");
    if (::rename(temp_path.c_str(), path.c_str()) != 0) return sys_error("rename(" + temp_path + ", " + path + ")");
    temp.keep();
    // Make the rename itself durable. Some file systems cannot sync a folder
    // (EINVAL, ENOTSUP); the data is written either way.
    UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return sys_error("open(" + folder + ")");
    if (::fsync(dir.get()) != 0 && errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP) {
        return sys_error("fsync(" + folder + ")");
    }
    return Ok{};
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
    const std::string folder = folder_of(path_);
    if (Status made = ensure_folder(folder); !made.ok()) return made;
    Result<UniqueFd> lock = lock_registry(path_ + ".lock");  // released when it goes out of scope
    if (!lock.ok()) return lock.error();
    Result<json::Value> document = load_for_update(path_);
    if (!document.ok()) return document.error();
    change(document.value().find("servers")->as_array());
    return replace_file(path_, folder, json::to_string(document.value(), 2));
}

Result<json::Value> Store::read() const {
    if (path_.empty()) return no_path();
    Result<std::optional<std::string>> text = read_file(path_);
    if (!text.ok()) return text.error();
    if (!text.value()) return empty_registry();
    Result<json::Value> document = parse_registry(*text.value());
    if (!document.ok()) return Error{path_ + " " + document.error().message};
    return document;
}

Status register_entry(Store& store, const Entry& entry) { return register_entry(store, to_json(entry)); }

Status register_entry(Store& store, json::Value entry) {
    const json::Value* port_value = entry.find("port");
    const json::Value* id_value = entry.find("id");
    if (!port_value || !port_value->as_int() || !id_value || !id_value->is_string())
        return Error{"an entry needs an integer port and a string id"};
    const int64_t entry_port = *port_value->as_int();
    const std::string entry_id = id_value->as_string();
    std::string clash;  // a live server already uses this id: unregistering one would remove both
    Status written = store.update([&](json::Value::Array& servers) {
        std::erase_if(servers, [&](const json::Value& server) {
            const json::Value* port = server.find("port");
            if (port && port->as_int() == entry_port) return true;
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
        servers.push_back(std::move(entry));
    });
    if (!written.ok()) return written;
    if (!clash.empty()) return Error{clash};
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
