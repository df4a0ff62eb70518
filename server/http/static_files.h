// Maps a request target to a file under the web root, opened, or to the
// reason it will not be served. The caller sends what the descriptor holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace http {

struct FileResponse {
    int status;                 // 200, 304, 400, 403, 404, 500, 503 (out of descriptors)
    std::string path_on_disk{};   // root + the path opened (200 and 304)
    UniqueFd fd{};                // the regular file, opened non-blocking (200 only)
    std::string content_type{};   // from the requested name's extension
    uint64_t size = 0;
    std::string etag{};           // "\"<size hex>-<mtime ns hex>\"", quotes included
    std::string last_modified{};  // IMF-fixdate; a file dated before 1970 says 1970-01-01
    std::string problem{};        // when 400/403/404: the message for the reply and the log
};

class StaticFiles {
public:
    // Resolves root_dir with realpath and opens it; an error when it is
    // missing or not a directory.
    static Result<StaticFiles> open(std::string root_dir);

    // `target` as sent in origin-form ("/app.js?v=2"). A conditional request
    // gets 304 when If-None-Match matches the ETag (or is "*"), or, without
    // If-None-Match, when the file is not newer than If-Modified-Since.
    // Only GET and HEAD should pass the two conditions.
    FileResponse resolve(std::string_view target, std::string_view if_none_match,
                         std::string_view if_modified_since) const;

    const std::string& root() const { return root_; }

private:
    StaticFiles(std::string root, UniqueFd root_fd) : root_(std::move(root)), root_fd_(std::move(root_fd)) {}
    std::string root_;  // realpath, no trailing slash (except "/" itself)
    UniqueFd root_fd_;  // every file is opened beneath it
};

// "text/html; charset=utf-8" for "index.html", application/octet-stream when unknown.
std::string_view content_type_for(std::string_view path) noexcept;

}  // namespace http
