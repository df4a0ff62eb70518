// registry-http's request handling. Methods: GET and HEAD (same headers, no
// body), OPTIONS (CORS preflight, 204); others 405 with Allow. Requests with a
// body are refused with 413 and the connection closed, since the body would
// otherwise be read as the next request. The Host header must name loopback
// (403 otherwise: the DNS-rebinding guard); CORS headers name the requesting
// origin only when it is a loopback origin, never "*". /api/registry carries
// the live set's ETag and answers If-None-Match with 304; /api/registry/watch
// upgrades to a WebSocket and the connection becomes a watcher (WatchSession).
#include "app/http_session.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "app/client_log.h"
#include "app/registry_cache.h"
#include "base/log.h"
#include "http/response.h"
#include "http/security.h"
#include "net/server.h"

namespace app {

namespace {

constexpr std::string_view kAllow = "Allow: GET, HEAD, OPTIONS\r\n";

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find_first_of("?#"));
}

// Headers every answer carries: CORS for loopback pages, and keep-alive for
// HTTP/1.0 clients that asked for it.
std::string common_headers(const http::Request& request) {
    std::string headers = "Vary: Origin\r\n";
    std::string_view origin = request.header("Origin");
    if (http::is_loopback_origin(origin)) {
        headers += "Access-Control-Allow-Origin: ";
        headers += origin;
        headers += "\r\n";
    }
    if (request.version_minor == 0 && request.keep_alive()) headers += "Connection: keep-alive\r\n";
    return headers;
}

// The preflight's answer to Access-Control-Request-Headers: a loopback page
// may send what it asks for (If-None-Match, Authorization, ...) when the list
// is made of tokens; otherwise only Content-Type, as before.
std::string allowed_headers(const http::Request& request) {
    std::string_view asked = request.header("Access-Control-Request-Headers");
    if (asked.empty() || !http::is_loopback_origin(request.header("Origin"))) return "Content-Type";
    std::string list;
    while (!asked.empty()) {
        size_t comma = asked.find(',');
        std::string_view name = asked.substr(0, comma);
        while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
        if (!http::is_token(name)) return "Content-Type";
        if (!list.empty()) list += ", ";
        list += name;
        asked.remove_prefix(comma == std::string_view::npos ? asked.size() : comma + 1);
    }
    return list;
}

}  // namespace

const std::string& HttpSite::date_header() {
    int64_t second = ::time(nullptr);
    if (second != date_second_) {
        date_second_ = second;
        date_header_ = "Date: " + http::http_date(second) + "\r\n";
    }
    return date_header_;
}

HttpSession::HttpSession(net::Host& host, UniqueFd fd, HttpSite& site, std::string refused)
    : net::Connection(host, std::move(fd)), site_(site), refused_(std::move(refused)) {
    set_deadline(now_ms() + site_.config.idle_timeout_ms);
}

HttpSession::~HttpSession() {
    if (watch_) site_.live.remove_watcher(*this);
}

void HttpSession::deliver(const std::string& message) noexcept {
    if (!watch_ || closing()) return;
    watch_->send(message);
    flush();  // outside this connection's callbacks: nobody else would send it now
}

void HttpSession::on_shutdown() noexcept {
    if (watch_) return watch_->on_shutdown();
    close_after_flush();
}

size_t HttpSession::on_input(std::span<uint8_t> input) noexcept {
    if (watch_) return watch_->on_input(input);
    std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    size_t used = 0;
    while (used < text.size() && !closing() && !output_full() && !producing()) {
        head_ = false;
        if (!in_request_) {
            in_request_ = true;
            set_deadline(now_ms() + site_.config.request_timeout_ms);
        }
        http::Request request;
        auto parsed = http::parse_request(text.substr(used), request, site_.config.head_limits);
        if (parsed.status == http::Parse::need_more) break;
        if (!refused_.empty()) {  // whatever was asked: the same answer, before any data
            head_ = parsed.status == http::Parse::done && request.method == "HEAD";
            answer_error(403, refused_, false);  // the owner check logged why
            return text.size();
        }
        if (parsed.status == http::Parse::bad) {
            refuse(parsed.http_status, http::describe(parsed), false);
            return text.size();
        }
        used += parsed.consumed;
        in_request_ = false;
        if (!respond(request)) {
            if (producing()) close_when_sent_ = true;  // after the file
            else close_after_flush();
            return text.size();
        }
        if (watch_) return used + watch_->on_input(input.subspan(used));  // frames may follow the upgrade
    }
    if (!in_request_) set_deadline(now_ms() + site_.config.idle_timeout_ms);
    return used;
}

void HttpSession::on_deadline() noexcept {
    if (watch_) return watch_->on_deadline();
    head_ = false;
    if (producing()) return abort();  // took no byte of the file for the idle timeout
    if (in_request_) refuse(408, "request head not complete within " +
                                     std::to_string(site_.config.request_timeout_ms) + " ms", false);
    else close_after_flush();  // idle keep-alive connection
}

void HttpSession::refuse(int status, std::string_view message, bool keep_alive, std::string_view extra) noexcept {
    client_event(fd(), "refused: " + std::to_string(status) + " " + std::string(message));
    answer_error(status, message, keep_alive, extra);
}

void HttpSession::answer_error(int status, std::string_view message, bool keep_alive,
                               std::string_view extra) noexcept {
    std::string response;
    http::append_error(response, status, message, keep_alive, site_.date_header() + std::string(extra));
    if (head_) response.resize(response.find("\r\n\r\n") + 4);  // HEAD: same headers, no body
    write(response);
    if (!keep_alive) close_after_flush();
}

bool HttpSession::respond(const http::Request& request) noexcept {
    const bool keep_alive = request.keep_alive();
    head_ = request.method == "HEAD";
    // HTTP/1.0 may omit Host; browsers (the DNS-rebinding risk) always send it.
    const HttpConfig& config = site_.config;
    const bool host_ok = http::is_own_host(request.host(), config.listen_address, config.advertised_name) ||
                         (request.version_minor == 0 && request.host().empty());
    if (!config.allow_any_host && !host_ok) {
        refuse(403, http::host_refusal(request.host(), config.listen_address, config.advertised_name), false);
        return false;
    }
    // A body cannot be skipped reliably, so a request with one ends the connection.
    std::string_view length = request.header("Content-Length");
    const bool has_body = (!length.empty() && length != "0") || !request.header("Transfer-Encoding").empty();
    const std::string common = site_.date_header() + common_headers(request);
    std::string_view path = path_of(request.path());
    // The upgrade gets ws-server's answers, refusals included (405, 400, 426).
    if (path == "/api/registry/watch" && request.method != "OPTIONS") return serve_watch(request);
    if (request.method == "OPTIONS" && !has_body) {
        std::string response;
        std::string extra = common + std::string(kAllow) +
                            "Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"
                            "Access-Control-Allow-Headers: " + allowed_headers(request) + "\r\n"
                            "Access-Control-Max-Age: 600\r\n";
        http::append_head(response, http::ResponseHead{204, {}, 0, keep_alive, extra});
        write(response);
        return keep_alive;
    }
    const bool head = head_;
    if (request.method != "GET" && request.method != "OPTIONS" && !head) {
        refuse(405, "method " + std::string(request.method.substr(0, 20)) + " is not allowed",
               keep_alive && !has_body, kAllow);
        return keep_alive && !has_body;
    }
    if (has_body) {
        refuse(413, "request bodies are not accepted", false);
        return false;
    }
    if (path == "/api/registry" || path == "/registry") serve_registry(request, head, common);
    else serve_file(request, head, common);
    return keep_alive;
}

void HttpSession::serve_registry(const http::Request& request, bool head, const std::string& common) noexcept {
    const bool keep_alive = request.keep_alive();
    LiveRegistry& live = site_.live;
    live.sync();  // a change the kernel reported before this request shows in its answer
    const std::string& error = live.error();
    if (error.find(std::strerror(EMFILE)) != std::string::npos || error.find(std::strerror(ENFILE)) != std::string::npos)
        return refuse(503, http::kOutOfDescriptors, keep_alive, http::kRetrySoon);
    if (!error.empty()) {
        // A corrupt file: say where, as JSON, so the page can show it.
        client_event(fd(), "warning: " + error);
        std::string error_body = RegistryCache::error_json(error);
        std::string response;
        http::append_head(response, http::ResponseHead{500, "application/json", error_body.size(), keep_alive,
                                                       common + "Cache-Control: no-store\r\n"});
        if (!head) response += error_body;
        write(response);
        return;
    }
    std::string extra = common + "Cache-Control: no-store\r\nETag: " + live.log().etag() + "\r\n";
    // A page on another loopback port reads the ETag to revalidate with it.
    if (http::is_loopback_origin(request.header("Origin"))) extra += "Access-Control-Expose-Headers: ETag\r\n";
    const std::string& body = live.body();
    // RFC 9110 §15.4.5: the headers a 200 would have had (ETag, Cache-Control, Vary, Date), no body.
    const int status = live.log().etag_matches(request.header("If-None-Match")) ? 304 : 200;
    std::string response;
    http::append_head(response, http::ResponseHead{status, "application/json", body.size(), keep_alive, extra});
    if (head || status == 304) return write(response);
    write(response, body);
}

bool HttpSession::serve_watch(const http::Request& request) noexcept {
    auto answer = websocket::answer_handshake(request, site_.config.watch_policy);
    if (answer.status != 101) {
        client_event(fd(), "refused: " + std::to_string(answer.status) + " " + answer.problem);
        if (head_) answer.response.resize(answer.response.find("\r\n\r\n") + 4);
        write(answer.response);
        close_after_flush();
        return false;
    }
    write(answer.response);
    watch_ = std::make_unique<WatchSession>(*this, site_.config.watch);
    watch_->start(site_.live.log(), request.path());
    if (!closing()) site_.live.add_watcher(*this);
    return true;
}

void HttpSession::serve_file(const http::Request& request, bool head, const std::string& common) noexcept {
    const bool keep_alive = request.keep_alive();
    auto file = site_.files.resolve(request.path(), request.header("If-None-Match"),
                                    request.header("If-Modified-Since"));
    if (file.status == 503) return refuse(503, file.problem, keep_alive, http::kRetrySoon);
    if (file.status != 200 && file.status != 304) return refuse(file.status, file.problem, keep_alive);
    std::string extra = common + "Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n";
    extra += "ETag: " + file.etag + "\r\nLast-Modified: " + file.last_modified + "\r\n";
    std::string response;
    if (file.status == 304 || head) {
        http::append_head(response, http::ResponseHead{file.status, file.content_type, file.size, keep_alive, extra});
        return write(response);
    }
    http::append_head(response, http::ResponseHead{200, file.content_type, file.size, keep_alive, extra});
    write(response);
    if (file.size == 0) return;
    file_ = std::move(file.fd);
    file_offset_ = 0;
    file_left_ = file.size;
    set_producing(true);
}

void HttpSession::on_output_room() noexcept {
    constexpr size_t kChunk = 64 * 1024;
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, file_left_));
    uint8_t* into = output_tail(want);
    if (into == nullptr) return;  // no memory for it: the connection is dropped
    ssize_t n = ::pread(file_.get(), into, want, static_cast<off_t>(file_offset_));
    if (n < 0 && errno == EINTR) return;  // again at the next turn
    if (n <= 0) {
        // Shrunk or unreadable: the Content-Length sent cannot be kept, so
        // the client must see the connection end short of it.
        client_event(fd(), "file shrank or failed while being sent; closing the connection");
        set_producing(false);
        file_.reset();
        return abort();
    }
    commit_output(static_cast<size_t>(n));
    file_offset_ += static_cast<uint64_t>(n);
    file_left_ -= static_cast<uint64_t>(n);
    set_deadline(now_ms() + site_.config.idle_timeout_ms);  // progress: the client reads
    if (file_left_ > 0) return;
    set_producing(false);
    file_.reset();
    if (close_when_sent_) close_after_flush();
}

}  // namespace app
