// The browser side of the client: the only file that includes Emscripten
// headers. It implements Platform with emscripten_fetch and the WebSocket
// API (the browser frames and masks, so there is no codec here) and View with
// a few EM_JS functions that change the DOM through textContent and
// attributes only, never innerHTML. All decisions are in App.
#include <emscripten.h>
#include <emscripten/em_math.h>
#include <emscripten/eventloop.h>
#include <emscripten/fetch.h>
#include <emscripten/html5.h>
#include <emscripten/websocket.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "app.h"

// ---- DOM -------------------------------------------------------------------
// The page's markup (web/index.html) provides the containers; these fill them.

EM_JS(void, js_set_text, (const char* element_id, const char* text), {
    const element = document.getElementById(UTF8ToString(element_id));
    if (element) element.textContent = UTF8ToString(text);
});

EM_JS(void, js_show_count, (int servers, const char* text, int stale), {
    const count = document.getElementById("server-count");
    count.textContent = UTF8ToString(text);
    count.dataset.count = servers;
    if (stale) count.dataset.stale = "true"; else delete count.dataset.stale;
    document.getElementById("no-servers").hidden = servers !== 0;
});

EM_JS(void, js_show_registry, (const char* state, const char* mode, const char* label, const char* detail,
                               const char* url), {
    const status = document.getElementById("registry-status");
    status.dataset.state = UTF8ToString(state);
    status.dataset.mode = UTF8ToString(mode);
    const pill = status.querySelector(".registry-pill");
    pill.dataset.state = status.dataset.state;
    const label_text = UTF8ToString(label);
    // The pill is the polite status region: it changes only with the mode.
    if (pill.querySelector(".registry-label").textContent !== label_text)
        pill.querySelector(".registry-label").textContent = label_text;
    status.querySelector(".registry-text").textContent = UTF8ToString(detail);
    status.querySelector(".registry-url").textContent = UTF8ToString(url);
});

EM_JS(void, js_announce, (const char* text), {
    document.getElementById("log-announcer").textContent = UTF8ToString(text);
});

// Card fields, in the order the card shows them (card_field_values()).
EM_JS(void, js_upsert_card, (const char* id_c, const char* status, const char* label, const char* health,
                             const char* health_label, const char* name, const char* link,
                             const char* const* values, const char* detail), {
    const id = UTF8ToString(id_c);
    const cards = Module.peerPlanCards || (Module.peerPlanCards = new Map());
    // Plain loops only: this emscripten's JS minifier mangles destructuring.
    const names = ["ID", "Kind", "Port", "PID", "Started", "Traffic", "URL"];
    const classes = ["id", "kind", "port", "pid", "started", "traffic", "url"];
    let card = cards.get(id);
    if (!card) {
        const make = (tag, cls, parent) => {
            const element = document.createElement(tag);
            if (cls) element.className = cls;
            parent.appendChild(element);
            return element;
        };
        card = make("article", "server-card", document.getElementById("server-list"));
        card.dataset.id = id;
        const head = make("header", "card-head", card);
        make("h3", "server-name", head);
        const badges = make("div", "badges", head);
        make("span", "status-badge", badges);
        make("span", "health-badge", badges);
        const fields = make("dl", "fields", card);
        for (let i = 0; i < names.length; ++i) {
            const row = make("div", "field field-" + classes[i], fields);
            make("dt", "", row).textContent = names[i];
            make("dd", classes[i], row);
        }
        make("p", "detail", card);
        cards.set(id, card);
    }
    card.dataset.status = UTF8ToString(status);
    const health_text = UTF8ToString(health);
    if (health_text) card.dataset.health = health_text; else delete card.dataset.health;
    card.querySelector(".server-name").textContent = UTF8ToString(name);
    card.querySelector(".status-badge").textContent = UTF8ToString(label);
    const health_badge = card.querySelector(".health-badge");
    health_badge.textContent = UTF8ToString(health_label);
    health_badge.hidden = !health_text;
    for (let i = 0; i < classes.length; ++i) {
        const value = UTF8ToString(HEAPU32[(values >> 2) + i]);
        const dd = card.querySelector("dd." + classes[i]);
        dd.parentElement.hidden = value === "";
        if (classes[i] !== "url") { dd.textContent = value; continue; }
        const href = UTF8ToString(link);  // http:// or https:// only (make_card)
        if (!href) { dd.textContent = value; continue; }
        let anchor = dd.querySelector("a");
        if (!anchor) {
            dd.textContent = "";
            anchor = document.createElement("a");
            anchor.target = "_blank";
            anchor.rel = "noopener noreferrer";
            dd.appendChild(anchor);
        }
        anchor.href = href;
        anchor.textContent = value;
    }
    card.querySelector(".detail").textContent = UTF8ToString(detail);
});

EM_JS(void, js_remove_card, (const char* id_c), {
    const id = UTF8ToString(id_c);
    const cards = Module.peerPlanCards;
    if (!cards || !cards.has(id)) return;
    cards.get(id).remove();
    cards.delete(id);
});

// preview: the start of a long text, shown until the reader asks for all of it.
EM_JS(void, js_append_log, (const char* kind, const char* clock, const char* text, const char* server,
                            const char* preview_c), {
    const log = document.getElementById("log");
    // Follow new lines only when the reader is already at the bottom.
    const following = log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
    const line = document.createElement("div");
    line.className = "log-entry";
    line.dataset.kind = UTF8ToString(kind);
    const server_id = UTF8ToString(server);
    if (server_id) line.dataset.server = server_id;
    const time = document.createElement("time");
    time.textContent = UTF8ToString(clock);
    const body = document.createElement("span");
    body.className = "log-body";
    const message = document.createElement("span");
    message.className = "log-text";
    const full = UTF8ToString(text);
    const preview = UTF8ToString(preview_c);
    message.textContent = preview ? preview + "\u2026" : full;
    body.append(message);
    if (preview) {
        const toggle = document.createElement("button");
        toggle.type = "button";
        toggle.className = "log-expand";
        toggle.setAttribute("aria-expanded", "false");
        const more = "Show all (" + full.length + " characters)";
        toggle.textContent = more;
        toggle.addEventListener("click", () => {
            const open = toggle.getAttribute("aria-expanded") !== "true";
            toggle.setAttribute("aria-expanded", String(open));
            message.textContent = open ? full : preview + "\u2026";
            toggle.textContent = open ? "Show less" : more;
        });
        body.append(" ", toggle);
    }
    // "Sent: <msg>" is the spec's text; which server it went to follows it.
    if (line.dataset.kind === "sent" && server_id) {
        const target = document.createElement("span");
        target.className = "log-target";
        target.textContent = " \u2192 " + server_id;
        body.append(target);
    }
    line.append(time, body);
    log.appendChild(line);
    if (following) log.scrollTop = log.scrollHeight;
});

EM_JS(void, js_trim_log, (int keep), {
    const log = document.getElementById("log");
    while (log.childElementCount > keep) log.firstElementChild.remove();
});

EM_JS(int, js_utc_offset_minutes, (), { return -new Date().getTimezoneOffset(); });

// Returns a malloc'd copy of location.search, location.hostname or location.origin.
EM_JS(char*, js_location_part, (int which), {
    const text = which === 0 ? location.search : which === 1 ? location.hostname : location.origin;
    const size = lengthBytesUTF8(text) + 1;
    const copy = _malloc(size);
    stringToUTF8(text, copy, size);
    return copy;
});

// A form submit covers the button, Enter, and input methods that use Enter
// to finish composing a character (no submit then), unlike a keydown handler.
EM_JS(void, js_wire_send_form, (), {
    const form = document.getElementById("send-form");
    const input = document.getElementById("message-input");
    form.addEventListener("submit", (event) => {
        event.preventDefault();
        const size = lengthBytesUTF8(input.value) + 1;
        const copy = _malloc(size);
        stringToUTF8(input.value, copy, size);
        _peer_plan_send(copy, size - 1);
        _free(copy);
        input.select();  // Enter again resends, typing replaces
    });
    document.getElementById("send-button").disabled = false;
    input.disabled = false;
});

namespace {

// performance.now(): the monotonic clock the App's times are on (app.h).
double monotonic_ms() { return emscripten_get_now(); }

std::string take_location_part(int which) {
    char* copy = js_location_part(which);
    std::string text(copy);
    std::free(copy);
    return text;
}

class BrowserView final : public client::View {
public:
    static constexpr size_t kLogPreviewBytes = 300;  // a longer line shows its start and "Show all"

    void show_count(size_t servers, std::string_view text, bool stale) override {
        js_show_count(static_cast<int>(servers), std::string(text).c_str(), stale ? 1 : 0);
    }
    void show_summary(std::string_view text) override {
        js_set_text("server-summary", std::string(text).c_str());
    }
    void show_registry(const client::RegistryLine& line) override {
        js_show_registry(line.state.c_str(), line.mode.c_str(), line.label.c_str(), line.detail.c_str(),
                         line.url.c_str());
    }
    void upsert_card(const client::CardModel& card) override {
        // The ID row only when the heading shows another name.
        std::string id = card.name == card.id ? std::string() : card.id;
        // In the order of the card's rows (js_upsert_card's `classes`).
        const char* values[] = {id.c_str(),      card.kind.c_str(),     card.port.c_str(), card.pid.c_str(),
                                card.started.c_str(), card.counters.c_str(), card.url.c_str()};
        js_upsert_card(card.id.c_str(), card.status.c_str(), card.status_label.c_str(), card.health.c_str(),
                       card.health_label.c_str(), card.name.c_str(), card.link.c_str(), values,
                       card.detail.c_str());
    }
    void announce(std::string_view text) override { js_announce(std::string(text).c_str()); }
    void remove_card(std::string_view id) override { js_remove_card(std::string(id).c_str()); }
    void append_log(const client::LogEntry& entry, std::string_view clock) override {
        std::string preview = client::log_preview(entry.text, kLogPreviewBytes);
        js_append_log(std::string(client::log_kind_name(entry.kind)).c_str(), std::string(clock).c_str(),
                      entry.text.c_str(), entry.server_id.c_str(), preview.c_str());
    }
    void trim_log(size_t keep) override { js_trim_log(static_cast<int>(keep)); }
};

class BrowserPlatform final : public client::Platform {
public:
    void fetch_registry(const std::string& path, const std::string& if_none_match) override;
    client::SocketId open_socket(const std::string& url) override;
    bool send_text(client::SocketId socket, const std::string& text) override {
        return emscripten_websocket_send_utf8_text(socket, text.c_str()) == EMSCRIPTEN_RESULT_SUCCESS;
    }
    void close_socket(client::SocketId socket, uint16_t code, std::string_view reason) override {
        emscripten_websocket_close(socket, code, std::string(reason).c_str());
        emscripten_websocket_delete(socket);  // drops its handlers: no late events
    }
    double wall_clock_ms() override { return emscripten_date_now(); }
    int utc_offset_minutes() override { return js_utc_offset_minutes(); }
    double random01() override { return emscripten_math_random(); }
};

BrowserPlatform g_platform;
BrowserView g_view;
std::optional<client::App> g_app;
long g_timer = 0;

void on_timer(void*);

// After every event: one timeout for the App's next deadline, nothing more.
void reschedule() {
    if (g_timer != 0) emscripten_clear_timeout(g_timer);
    g_timer = 0;
    double next = g_app->next_wakeup_ms();
    if (!std::isfinite(next)) return;
    g_timer = emscripten_set_timeout(on_timer, std::max(0.0, next - monotonic_ms()), nullptr);
}

void on_timer(void*) {
    g_timer = 0;
    g_app->tick(monotonic_ms());
    reschedule();
}

std::string response_header(emscripten_fetch_t* fetch, std::string_view name) {
    size_t size = emscripten_fetch_get_response_headers_length(fetch);
    std::string headers(size + 1, '\0');
    emscripten_fetch_get_response_headers(fetch, headers.data(), headers.size());
    headers.resize(size);
    return client::header_value(headers, name);
}

void on_fetch_success(emscripten_fetch_t* fetch) {
    g_app->registry_loaded(std::string_view(fetch->data, static_cast<size_t>(fetch->numBytes)), monotonic_ms(),
                           response_header(fetch, "etag"));
    emscripten_fetch_close(fetch);
    reschedule();
}

void on_fetch_error(emscripten_fetch_t* fetch) {
    if (fetch->status == 304) {  // emscripten_fetch counts only 2xx as success
        g_app->registry_not_modified(monotonic_ms());
        emscripten_fetch_close(fetch);
        reschedule();
        return;
    }
    std::string reason;
    if (fetch->status == 0)
        reason = "no answer from " + std::string(fetch->url) + " (is registry-http running?)";
    else
        reason = "HTTP " + std::to_string(fetch->status) + " " + fetch->statusText + " from " + fetch->url;
    g_app->registry_failed(reason, monotonic_ms());
    emscripten_fetch_close(fetch);
    reschedule();
}

void BrowserPlatform::fetch_registry(const std::string& path, const std::string& if_none_match) {
    // emscripten_fetch copies the headers when the request starts.
    const char* headers[] = {"Cache-Control", "no-cache", nullptr, nullptr, nullptr};
    if (!if_none_match.empty()) {
        headers[2] = "If-None-Match";
        headers[3] = if_none_match.c_str();
    }
    emscripten_fetch_attr_t attr;
    emscripten_fetch_attr_init(&attr);
    std::strcpy(attr.requestMethod, "GET");
    attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
    attr.timeoutMSecs = 10000;
    attr.requestHeaders = headers;
    attr.onsuccess = on_fetch_success;
    attr.onerror = on_fetch_error;
    emscripten_fetch(&attr, path.c_str());
}

EM_BOOL on_socket_open(int, const EmscriptenWebSocketOpenEvent* event, void*) {
    g_app->socket_opened(event->socket, monotonic_ms());
    reschedule();
    return EM_TRUE;
}

EM_BOOL on_socket_message(int, const EmscriptenWebSocketMessageEvent* event, void*) {
    // Text arrives NUL-terminated and numBytes counts the NUL.
    size_t size = event->isText && event->numBytes > 0 ? event->numBytes - 1 : event->numBytes;
    g_app->socket_message(event->socket, std::string_view(reinterpret_cast<const char*>(event->data), size),
                          event->isText, monotonic_ms());
    reschedule();  // the live region's summary, a watch socket's news
    return EM_TRUE;
}

EM_BOOL on_socket_close(int, const EmscriptenWebSocketCloseEvent* event, void*) {
    g_app->socket_closed(event->socket, event->code, event->reason, monotonic_ms());
    emscripten_websocket_delete(event->socket);
    reschedule();
    return EM_TRUE;
}

client::SocketId BrowserPlatform::open_socket(const std::string& url) {
    EmscriptenWebSocketCreateAttributes attributes;
    emscripten_websocket_init_create_attributes(&attributes);
    attributes.url = url.c_str();
    attributes.createOnMainThread = EM_TRUE;
    EMSCRIPTEN_WEBSOCKET_T socket = emscripten_websocket_new(&attributes);
    if (socket <= 0) return 0;
    // No error handler: the browser always follows an error with a close.
    emscripten_websocket_set_onopen_callback(socket, nullptr, on_socket_open);
    emscripten_websocket_set_onmessage_callback(socket, nullptr, on_socket_message);
    emscripten_websocket_set_onclose_callback(socket, nullptr, on_socket_close);
    return socket;
}

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void peer_plan_send(const char* text, int size) {
    g_app->send(std::string_view(text, static_cast<size_t>(size)), monotonic_ms());
    reschedule();
}

int main() {
    g_app.emplace(g_platform, g_view, client::parse_options(take_location_part(0)), take_location_part(1),
                  take_location_part(2));
    js_wire_send_form();
    g_app->start(monotonic_ms());
    reschedule();
    return 0;  // the runtime stays alive (EXIT_RUNTIME=0) for the callbacks
}
