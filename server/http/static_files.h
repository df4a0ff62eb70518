// Maps a request target to a file under the web root, or to the reason it
// will not be served. Never opens the file: the caller sends it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace http {

struct FileResponse {
    int status;                 // 200, 304, 400, 403, 404
    std::string path_on_disk{};   // real path, symlinks resolved (200 and 304)
    std::string content_type{};   // from the requested name's extension
    uint64_t size = 0;
    std::string etag{};           // "\"<size hex>-<mtime ns hex>\"", quotes included
    std::string last_modified{};  // IMF-fixdate
    std::string problem{};        // when 400/403/404: the message for the reply and the log
};

class StaticFiles {
public:
    // Resolves root_dir with realpath; an error when it is missing or not a directory.
    static Result<StaticFiles> open(std::string root_dir);

    // `target` as sent in origin-form ("/app.js?v=2"). A conditional request
    // gets 304 when If-None-Match matches the ETag (or is "*"), or, without
    // If-None-Match, when the file is not newer than If-Modified-Since.
    // Only GET and HEAD should pass the two conditions.
    FileResponse resolve(std::string_view target, std::string_view if_none_match,
                         std::string_view if_modified_since) const;

    const std::string& root() const { return root_; }

private:
    explicit StaticFiles(std::string root) : root_(std::move(root)) {}
    std::string root_;  // realpath, no trailing slash (except "/" itself)
};

// "text/html; charset=utf-8" for "index.html", application/octet-stream when unknown.
std::string_view content_type_for(std::string_view path) noexcept;

}  // namespace http
