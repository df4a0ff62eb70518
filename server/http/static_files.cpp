// Static files from one web root. The target is decoded and normalised by us
// (percent-decoding, "." and empty segments dropped), and refused outright
// when it could mean anything else on some file system: an encoded '/', any
// '\\', NUL or control byte, any ".." segment. What is left is joined to the
// root's descriptor and opened beneath it without following any symlink
// (open_beneath.h), so a folder swapped for a symlink cannot lead out of the
// root; it is opened non-blocking and served only when fstat() says it is a
// regular file, so a FIFO cannot block the server. A segment that starts
// with '.' (/.env, /.git/config) is not served: 404.
// Conditional GET (RFC 9110 §13.1.2, §13.1.3): If-None-Match with weak
// comparison, else If-Modified-Since. No ranges, no directory listings, and a
// directory is served as its index.html without a redirect.
#include "http/static_files.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <utility>

#include "base/ascii.h"
#include "base/stat_time.h"
#include "http/open_beneath.h"
#include "http/response.h"

namespace http {
namespace {

FileResponse refuse(int status, std::string problem) {
    FileResponse response{status};
    response.problem = std::move(problem);
    return response;
}

using base::hex_value;
using base::is_ctl;

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

// "/a/./b//c" -> "/a/b/c" (decoded), or a 400 (or a 404 for a dotfile).
FileResponse normalise(std::string_view path, std::string& relative) {
    relative.clear();
    std::string segment;
    while (!path.empty()) {
        size_t slash = path.find('/');
        std::string_view problem = decode_segment(path.substr(0, slash), segment);
        if (!problem.empty()) return refuse(400, std::string(problem));
        if (segment == "..") return refuse(400, "path escapes web root");
        if (segment.size() > 1 && segment.front() == '.') return FileResponse{404};  // hidden: /.env, /.git
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

enum class Found { ok, missing, denied, symlink, no_descriptors, failed };

// Opens `relative` beneath the root without following links, non-blocking
// (a FIFO must not block), and fstat()s what it got.
Found open_file(int root_fd, std::string_view relative, UniqueFd& fd, struct stat& info) {
    fd.reset(open_beneath(root_fd, relative, O_RDONLY | O_NONBLOCK));
    if (!fd || ::fstat(fd.get(), &info) != 0) {
        switch (errno) {
        case ENOENT: case ENOTDIR: case ENAMETOOLONG: return Found::missing;
        case EACCES: case EPERM: return Found::denied;
        case ELOOP: case EMLINK: case EXDEV: return Found::symlink;
        case EMFILE: case ENFILE: return Found::no_descriptors;
        default: return Found::failed;
        }
    }
    return Found::ok;
}

// RFC 9110 §13.1.2: weak comparison, so W/"x" matches "x".
bool none_match(std::string_view header, std::string_view etag) noexcept {
    bool matched = false;
    base::for_each_list_element(header, [&](std::string_view element) {
        if (element.substr(0, 2) == "W/") element.remove_prefix(2);
        matched = element == "*" || element == etag;
        return !matched;
    });
    return matched;
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
    UniqueFd fd(::open(resolved, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return sys_error("web root " + root_dir);
    return StaticFiles(resolved, std::move(fd));
}

FileResponse StaticFiles::resolve(std::string_view target, std::string_view if_none_match,
                                  std::string_view if_modified_since) const {
    std::string_view path = target.substr(0, target.find_first_of("?#"));
    if (path.empty() || path.front() != '/') return refuse(400, "path does not start with '/'");
    std::string relative;
    FileResponse normalised = normalise(path, relative);
    std::string name(path);  // as sent, for messages: the parser lets only printable ASCII through
    if (normalised.status == 404) return refuse(404, name);
    if (normalised.status != 200) return normalised;

    std::string wanted = relative.empty() ? relative : relative.substr(1);  // beneath the root: no '/'
    UniqueFd fd;
    struct stat info;
    Found found = open_file(root_fd_.get(), wanted, fd, info);
    bool directory = found == Found::ok && S_ISDIR(info.st_mode);
    if (directory) {
        wanted += wanted.empty() ? "index.html" : "/index.html";
        found = open_file(root_fd_.get(), wanted, fd, info);
    }
    switch (found) {
    case Found::ok: break;
    case Found::missing: return refuse(404, directory ? name + " (directory without index.html)" : name);
    case Found::denied: return refuse(403, name + ": permission denied");
    case Found::symlink: return refuse(403, name + ": symlinks are not followed");
    case Found::no_descriptors: return refuse(503, std::string(kOutOfDescriptors));
    case Found::failed: return refuse(500, name + ": could not be opened");
    }
    if (!S_ISREG(info.st_mode)) return refuse(403, name + ": not a regular file");
    if (path.back() == '/' && !directory) return refuse(404, name);  // "/app.js/"

    FileResponse file{200};
    file.path_on_disk = (root_ == "/" ? "" : root_) + "/" + wanted;
    file.content_type = content_type_for(wanted);
    file.size = static_cast<uint64_t>(info.st_size);
    uint64_t modified_ns = base::mtime_ns(info);
    // Before 1970 the date says the epoch; the ETag keeps the exact time.
    auto signed_ns = static_cast<int64_t>(modified_ns);
    int64_t modified_seconds = signed_ns < 0 ? 0 : signed_ns / 1000000000;
    file.etag = "\"" + to_hex(file.size) + "-" + to_hex(modified_ns) + "\"";
    file.last_modified = http_date(modified_seconds);
    if (not_modified(if_none_match, if_modified_since, file, modified_seconds)) file.status = 304;
    else file.fd = std::move(fd);
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
