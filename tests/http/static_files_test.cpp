#include "http/static_files.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace http {
namespace {

constexpr int64_t kMtimeSeconds = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr long kMtimeNanos = 123;

// A web root in a fresh temp dir, next to a folder it must never reach:
//   base/outside/secret.txt
//   base/web/{index.html, app.js, app.wasm, style.css, space name.txt, etc/passwd,
//             sub/{index.html, data.json}, nosub/, fifo,
//             link_in -> app.js, link_out -> ../outside/secret.txt, dir_out -> ../outside}
class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/static_files_test.XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        base_ = pattern;
        root_ = base_ + "/web";
        for (const char* dir : {"/web", "/web/sub", "/web/nosub", "/web/etc", "/outside"})
            ASSERT_EQ(::mkdir((base_ + dir).c_str(), 0700), 0);
        write("outside/secret.txt", "secret");
        write("web/index.html", "<!doctype html>");
        write("web/app.js", "console.log(1);");
        write("web/app.wasm", "\0asm");
        write("web/style.css", "body{}");
        write("web/space name.txt", "x");
        write("web/etc/passwd", "inside");
        write("web/sub/index.html", "sub");
        write("web/sub/data.json", "{}");
        ASSERT_EQ(::mkfifo((root_ + "/fifo").c_str(), 0600), 0);
        ASSERT_EQ(::symlink("app.js", (root_ + "/link_in").c_str()), 0);
        ASSERT_EQ(::symlink("../outside/secret.txt", (root_ + "/link_out").c_str()), 0);
        ASSERT_EQ(::symlink("../outside", (root_ + "/dir_out").c_str()), 0);
        struct timespec times[2] = {{kMtimeSeconds, kMtimeNanos}, {kMtimeSeconds, kMtimeNanos}};
        ASSERT_EQ(::utimensat(AT_FDCWD, (root_ + "/app.js").c_str(), times, 0), 0);
        Result<StaticFiles> opened = StaticFiles::open(root_);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        files_.emplace(std::move(opened.value()));
    }
    void TearDown() override { std::filesystem::remove_all(base_); }

    void write(const std::string& relative, const std::string& content) {
        std::ofstream(base_ + "/" + relative, std::ios::binary) << content;
    }

    FileResponse get(std::string_view target, std::string_view if_none_match = {},
                     std::string_view if_modified_since = {}) {
        return files_->resolve(target, if_none_match, if_modified_since);
    }

    std::string base_, root_;
    std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ServesFilesInsideTheRoot) {
    struct Case {
        const char* target;
        const char* on_disk;  // relative to the root
        const char* content_type;
    };
    const Case cases[] = {
        {"/", "index.html", "text/html; charset=utf-8"},
        {"/index.html", "index.html", "text/html; charset=utf-8"},
        {"/app.js?v=2#top", "app.js", "text/javascript; charset=utf-8"},
        {"/app.js#top", "app.js", "text/javascript; charset=utf-8"},
        {"/app.wasm", "app.wasm", "application/wasm"},
        {"/style.css", "style.css", "text/css; charset=utf-8"},
        {"/./app.js", "app.js", "text/javascript; charset=utf-8"},
        {"//app.js", "app.js", "text/javascript; charset=utf-8"},
        {"/%61pp.js", "app.js", "text/javascript; charset=utf-8"},
        {"/%2e/app.js", "app.js", "text/javascript; charset=utf-8"},
        {"/space%20name.txt", "space name.txt", "text/plain; charset=utf-8"},
        {"/sub", "sub/index.html", "text/html; charset=utf-8"},
        {"/sub/", "sub/index.html", "text/html; charset=utf-8"},
        {"/sub/.", "sub/index.html", "text/html; charset=utf-8"},
        {"/sub/./data.json", "sub/data.json", "application/json"},
        {"//etc/passwd", "etc/passwd", "application/octet-stream"},  // the one in the web root
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.target);
        FileResponse file = get(c.target);
        EXPECT_EQ(file.status, 200) << file.problem;
        EXPECT_EQ(file.path_on_disk, files_->root() + "/" + c.on_disk);
        EXPECT_EQ(file.content_type, c.content_type);
        EXPECT_EQ(file.problem, "");
        EXPECT_TRUE(file.fd) << "a 200 comes with the opened file";
    }
}

TEST_F(StaticFilesTest, RefusesEveryWayOut) {
    struct Case {
        const char* target;
        int status;
        const char* problem;
    };
    const Case cases[] = {
        {"/../etc/passwd", 400, "path escapes web root"},
        {"/..", 400, "path escapes web root"},
        {"/sub/..", 400, "path escapes web root"},
        {"/sub/../../outside/secret.txt", 400, "path escapes web root"},
        {"/%2e%2e/x", 400, "path escapes web root"},
        {"/a/%2E%2E/%2e%2e/x", 400, "path escapes web root"},
        {"/.%2e/outside/secret.txt", 400, "path escapes web root"},
        {"/..%2fx", 400, "encoded slash in path"},
        {"/%2fetc", 400, "encoded slash in path"},
        {"/%2Fetc/passwd", 400, "encoded slash in path"},
        {"/..\\x", 400, "backslash in path"},
        {"/%5c..%5cx", 400, "backslash in path"},
        {"/app.js%00.html", 400, "NUL byte in path"},
        {"/app%0a.js", 400, "control character in path"},
        {"/app%zz.js", 400, "bad percent-encoding in path"},
        {"/app.js%2", 400, "bad percent-encoding in path"},
        {"/app.js%", 400, "bad percent-encoding in path"},
        {"", 400, "path does not start with '/'"},
        {"app.js", 400, "path does not start with '/'"},
        {"?x=/app.js", 400, "path does not start with '/'"},
        {"http://localhost/app.js", 400, "path does not start with '/'"},
        {"/link_out", 403, "/link_out: symlinks are not followed"},
        {"/link_in", 403, "/link_in: symlinks are not followed"},  // even one that stays inside
        {"/dir_out/secret.txt", 403, "/dir_out/secret.txt: symlinks are not followed"},
        {"/dir_out/", 403, "/dir_out/: symlinks are not followed"},
        {"/dir_out/missing", 403, "/dir_out/missing: symlinks are not followed"},
        {"/fifo", 403, "/fifo: not a regular file"},
        {"/.env", 404, "/.env"},  // dotfiles are never served
        {"/.git/config", 404, "/.git/config"},
        {"/sub/.hidden", 404, "/sub/.hidden"},
        {"/%2eenv", 404, "/%2eenv"},
        {"/app.jss", 404, "/app.jss"},
        {"/app.jss?v=1", 404, "/app.jss"},
        {"/app.js/", 404, "/app.js/"},
        {"/nosub", 404, "/nosub (directory without index.html)"},
        {"/nosub/", 404, "/nosub/ (directory without index.html)"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.target);
        FileResponse file = get(c.target);
        EXPECT_EQ(file.status, c.status);
        EXPECT_EQ(file.problem, c.problem);
        EXPECT_EQ(file.path_on_disk, "");
        EXPECT_FALSE(file.fd);
    }
}

// Issue 10, finding 6: what is served is the file that was checked, opened
// under the root without following links. A folder swapped for a symlink to
// the outside after the check (the old code checked with realpath, then
// opened the path again) cannot lead out, and neither can a FIFO swapped in.
TEST_F(StaticFilesTest, ServesTheFileItCheckedWhateverIsSwappedInAfter) {
    write("web/.env", "SECRET=1");
    FileResponse data = get("/sub/data.json");
    ASSERT_EQ(data.status, 200);
    ASSERT_TRUE(data.fd);
    ASSERT_EQ(::rename((root_ + "/sub").c_str(), (root_ + "/sub_old").c_str()), 0);
    ASSERT_EQ(::symlink("../outside", (root_ + "/sub").c_str()), 0);
    char bytes[16] = {};
    EXPECT_EQ(::pread(data.fd.get(), bytes, sizeof bytes, 0), 2);
    EXPECT_EQ(std::string(bytes), "{}");
    EXPECT_EQ(get("/sub/secret.txt").status, 403) << "the swapped-in symlink is not followed";
    EXPECT_NE(::fcntl(data.fd.get(), F_GETFL) & O_NONBLOCK, 0) << "opened non-blocking";

    // A FIFO where a file was: refused at once, never opened in a way that blocks.
    ASSERT_EQ(::unlink((root_ + "/app.js").c_str()), 0);
    ASSERT_EQ(::mkfifo((root_ + "/app.js").c_str(), 0600), 0);
    FileResponse fifo = get("/app.js");
    EXPECT_EQ(fifo.status, 403);
    EXPECT_EQ(fifo.problem, "/app.js: not a regular file");
    EXPECT_EQ(get("/.env").status, 404);
}

// Issue 10, finding 6: a file dated before 1970 says the epoch in
// Last-Modified (the ETag keeps the exact time).
TEST_F(StaticFilesTest, FileFromBefore1970SaysTheEpoch) {
    struct timespec times[2] = {{-86400 * 365, 0}, {-86400 * 365, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (root_ + "/style.css").c_str(), times, 0), 0);
    FileResponse file = get("/style.css");
    ASSERT_EQ(file.status, 200);
    EXPECT_EQ(file.last_modified, "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(get("/style.css", {}, "Thu, 01 Jan 1970 00:00:00 GMT").status, 304);
    EXPECT_EQ(get("/style.css", file.etag).status, 304);
}

TEST_F(StaticFilesTest, ValidatorsOfAFile) {
    FileResponse file = get("/app.js");
    ASSERT_EQ(file.status, 200);
    EXPECT_EQ(file.size, 15u);
    // 15 = 0xf; 784111777000000123 ns = 0xae1b981bc490a7b
    EXPECT_EQ(file.etag, "\"f-ae1b981bc490a7b\"");
    EXPECT_EQ(file.last_modified, "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST_F(StaticFilesTest, ConditionalRequests) {
    const std::string etag = get("/app.js").etag;
    struct Case {
        const char* name;
        std::string if_none_match;
        std::string if_modified_since;
        int status;
    };
    const Case cases[] = {
        {"etag_matches", etag, "", 304},
        {"star", "*", "", 304},
        {"weak_etag_matches", "W/" + etag, "", 304},
        {"etag_in_list", "\"other\", " + etag + " ,\"more\"", "", 304},
        {"etag_differs", "\"other\"", "", 200},
        {"etag_without_quotes_differs", etag.substr(1, etag.size() - 2), "", 200},
        {"etag_differs_date_ignored", "\"other\"", "Sun, 06 Nov 2094 08:49:37 GMT", 200},
        {"modified_at_that_second", "", "Sun, 06 Nov 1994 08:49:37 GMT", 304},
        {"modified_before", "", "Mon, 07 Nov 1994 00:00:00 GMT", 304},
        {"modified_after", "", "Sun, 06 Nov 1994 08:49:36 GMT", 200},
        {"rfc850_date", "", "Sunday, 06-Nov-94 08:49:37 GMT", 304},
        {"asctime_date", "", "Sun Nov  6 08:49:37 1994", 304},
        {"unreadable_date", "", "yesterday", 200},
        {"nothing", "", "", 200},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        FileResponse file = get("/app.js", c.if_none_match, c.if_modified_since);
        EXPECT_EQ(file.status, c.status);
        EXPECT_EQ(file.etag, etag);  // a 304 carries the validators too
        EXPECT_EQ(file.last_modified, "Sun, 06 Nov 1994 08:49:37 GMT");
        EXPECT_EQ(file.path_on_disk, files_->root() + "/app.js");
    }
}

TEST_F(StaticFilesTest, OpenResolvesTheRoot) {
    Result<StaticFiles> with_slash = StaticFiles::open(root_ + "/sub/../");
    ASSERT_TRUE(with_slash.ok());
    EXPECT_EQ(with_slash.value().root(), files_->root());
    EXPECT_EQ(with_slash.value().root().back(), 'b');  // ".../web", no trailing slash

    ASSERT_EQ(::symlink("web", (base_ + "/web_link").c_str()), 0);
    Result<StaticFiles> via_link = StaticFiles::open(base_ + "/web_link");
    ASSERT_TRUE(via_link.ok());
    EXPECT_EQ(via_link.value().root(), files_->root());
    EXPECT_EQ(via_link.value().resolve("/link_out", {}, {}).status, 403);
}

TEST_F(StaticFilesTest, OpenRefusesMissingRootsAndFiles) {
    Result<StaticFiles> missing = StaticFiles::open(base_ + "/nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, "web root " + base_ + "/nope: No such file or directory");
    Result<StaticFiles> file = StaticFiles::open(root_ + "/app.js");
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().message, "web root " + root_ + "/app.js is not a directory");
}

TEST(ContentTypeTest, ByExtension) {
    struct Case {
        const char* path;
        const char* content_type;
    };
    const Case cases[] = {
        {"/index.html", "text/html; charset=utf-8"},
        {"INDEX.HTM", "text/html; charset=utf-8"},
        {"/client.js", "text/javascript; charset=utf-8"},
        {"/client.mjs", "text/javascript; charset=utf-8"},
        {"/client.wasm", "application/wasm"},
        {"/client.WASM", "application/wasm"},
        {"/a.css", "text/css; charset=utf-8"},
        {"/a.svg", "image/svg+xml"},
        {"/a.png", "image/png"},
        {"/favicon.ico", "image/x-icon"},
        {"/a.json", "application/json"},
        {"/client.js.map", "application/json"},
        {"/a.txt", "text/plain; charset=utf-8"},
        {"/a.tar.gz", "application/octet-stream"},
        {"/a.jsx", "application/octet-stream"},
        {"/a.", "application/octet-stream"},
        {"/Makefile", "application/octet-stream"},
        {"/.js", "application/octet-stream"},  // a dotfile named ".js", not a .js file
        {"/dir.html/file", "application/octet-stream"},
        {"", "application/octet-stream"},
    };
    for (const Case& c : cases) EXPECT_EQ(content_type_for(c.path), c.content_type) << c.path;
}

}  // namespace
}  // namespace http
