// Static files from one web root. The target is decoded and normalised by us
// (percent-decoding, "." and empty segments dropped), and refused outright
// when it could mean anything else on some file system: an encoded '/', any
// '\\', NUL or control byte, any ".." segment. What is left is joined to the
// root, resolved with realpath and must still be under the root's realpath,
// so a symlink inside the web root cannot lead out of it either.
// Conditional GET (RFC 9110 §13.1.2, §13.1.3): If-None-Match with weak
// comparison, else If-Modified-Since. No ranges, no directory listings, and a
// directory is served as its index.html without a redirect.
#include "http/static_files.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <utility>

#include "base/ascii.h"
#include "base/stat_time.h"
#include "http/response.h"

namespace http {
namespace {

FileResponse refuse(int status, std::string problem) {
    FileResponse response{status};
    response.problem = std::move(problem);
    return response;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_ctl(char c) noexcept { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

// Decodes one segment of the path into `out`; the empty string when fine,
// else the problem.
std::string_view decode_segment(std::string_view raw, std::string& out) {
    out.clear();
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '%') {
            int high = i + 2 < raw.size() ? hex_value(raw[i + 1]) : -1;
            int low = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
            if (high < 0 || low < 0) return "bad percent-encoding in path";
            c = static_cast<char>(high * 16 + low);
            i += 2;
            if (c == '/') return "encoded slash in path";
        }
        if (c == '\\') return "backslash in path";
        if (c == '\0') return "NUL byte in path";
        if (is_ctl(c)) return "control character in path";
        out += c;
    }
    return {};
}

// "/a/./b//c" -> "/a/b/c" (decoded), or a 400.
FileResponse normalise(std::string_view path, std::string& relative) {
    relative.clear();
    std::string segment;
    while (!path.empty()) {
        size_t slash = path.find('/');
        std::string_view problem = decode_segment(path.substr(0, slash), segment);
        if (!problem.empty()) return refuse(400, std::string(problem));
        if (segment == "..") return refuse(400, "path escapes web root");
        if (!segment.empty() && segment != ".") relative += "/" + segment;
        path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    }
    return FileResponse{200};
}


std::string to_hex(uint64_t value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[value & 15]);
        value >>= 4;
    } while (value != 0);
    return out;
}

bool is_inside(std::string_view real, std::string_view root) noexcept {
    if (real == root || root == "/") return true;
    return real.size() > root.size() && real.substr(0, root.size()) == root && real[root.size()] == '/';
}

enum class Found { ok, missing, denied, outside };

// realpath and stat `wanted`; the real path must be the root or under it.
Found locate(const std::string& wanted, std::string_view root, std::string& real, struct stat& info) {
    char resolved[PATH_MAX];
    if (!::realpath(wanted.c_str(), resolved) || ::stat(resolved, &info) != 0)
        return errno == EACCES ? Found::denied : Found::missing;
    real = resolved;
    return is_inside(real, root) ? Found::ok : Found::outside;
}

// RFC 9110 §13.1.2: weak comparison, so W/"x" matches "x".
bool none_match(std::string_view header, std::string_view etag) noexcept {
    while (!header.empty()) {
        size_t comma = header.find(',');
        std::string_view element = header.substr(0, comma);
        while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) element.remove_prefix(1);
        while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
        if (element.substr(0, 2) == "W/") element.remove_prefix(2);
        if (element == "*" || element == etag) return true;
        header.remove_prefix(comma == std::string_view::npos ? header.size() : comma + 1);
    }
    return false;
}

bool not_modified(std::string_view if_none_match, std::string_view if_modified_since, const FileResponse& file,
                  int64_t mtime_seconds) {
    if (!if_none_match.empty()) return none_match(if_none_match, file.etag);
    int64_t since = 0;
    // An unreadable date is ignored (RFC 9110 §13.1.3), so the file is sent.
    return !if_modified_since.empty() && parse_http_date(if_modified_since, since) && mtime_seconds <= since;
}

}  // namespace

Result<StaticFiles> StaticFiles::open(std::string root_dir) {
    char resolved[PATH_MAX];
    if (!::realpath(root_dir.c_str(), resolved)) return sys_error("web root " + root_dir);
    struct stat info;
    if (::stat(resolved, &info) != 0) return sys_error("web root " + root_dir);
    if (!S_ISDIR(info.st_mode)) return Error{"web root " + root_dir + " is not a directory"};
    return StaticFiles(resolved);
}

FileResponse StaticFiles::resolve(std::string_view target, std::string_view if_none_match,
                                  std::string_view if_modified_since) const {
    std::string_view path = target.substr(0, target.find_first_of("?#"));
    if (path.empty() || path.front() != '/') return refuse(400, "path does not start with '/'");
    std::string relative;
    FileResponse normalised = normalise(path, relative);
    if (normalised.status != 200) return normalised;
    std::string name(path);  // as sent, for messages: the parser lets only printable ASCII through

    std::string wanted = (root_ == "/" ? "" : root_) + relative;
    std::string real;
    struct stat info;
    Found found = locate(wanted, root_, real, info);
    bool directory = found == Found::ok && S_ISDIR(info.st_mode);
    if (directory) {
        wanted += "/index.html";
        found = locate(wanted, root_, real, info);
    }
    switch (found) {
    case Found::ok: break;
    case Found::missing: return refuse(404, directory ? name + " (directory without index.html)" : name);
    case Found::denied: return refuse(403, name + ": permission denied");
    case Found::outside: return refuse(403, name + ": symlink leads outside the web root");
    }
    if (!S_ISREG(info.st_mode)) return refuse(403, name + ": not a regular file");
    if (path.back() == '/' && !directory) return refuse(404, name);  // "/app.js/"

    FileResponse file{200};
    file.path_on_disk = std::move(real);
    file.content_type = content_type_for(wanted);
    file.size = static_cast<uint64_t>(info.st_size);
    uint64_t modified_ns = base::mtime_ns(info);
    auto modified_seconds = static_cast<int64_t>(modified_ns / 1000000000u);
    file.etag = "\"" + to_hex(file.size) + "-" + to_hex(modified_ns) + "\"";
    file.last_modified = http_date(modified_seconds);
    if (not_modified(if_none_match, if_modified_since, file, modified_seconds)) file.status = 304;
    return file;
}

std::string_view content_type_for(std::string_view path) noexcept {
    struct Type {
        std::string_view extension, content_type;
    };
    static constexpr Type kTypes[] = {
        {"html", "text/html; charset=utf-8"},  {"htm", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"}, {"mjs", "text/javascript; charset=utf-8"},
        {"wasm", "application/wasm"},          {"css", "text/css; charset=utf-8"},
        {"svg", "image/svg+xml"},              {"png", "image/png"},
        {"ico", "image/x-icon"},               {"json", "application/json"},
        {"map", "application/json"},           {"txt", "text/plain; charset=utf-8"},
    };
    size_t slash = path.rfind('/');
    std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
    size_t dot = file.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
    std::string_view extension = file.substr(dot + 1);
    for (const Type& type : kTypes)
        if (base::iequals(type.extension, extension)) return type.content_type;
    return "application/octet-stream";
}

}  // namespace http
