#include "app/ws_health.h"

#include <algorithm>

#include "http/response.h"
#include "json/value.h"
#include "json/writer.h"

namespace app {

bool is_health_request(const http::Request& request) {
    const std::string_view path = request.path();
    return request.method == "GET" && (path == "/healthz" || path.starts_with("/healthz?")) &&
           !request.has_token("Upgrade", "websocket");
}

std::string health_response(const http::Request& request, const WsHealth& health,
                            const websocket::HandshakePolicy& policy, int64_t now_ms, std::string* refused) {
    if (websocket::Handshake refusal = websocket::check_host(request, policy); refusal.status != 0) {
        *refused = std::to_string(refusal.status) + " " + refusal.problem;
        return std::move(refusal.response);
    }
    const std::string body = json::to_string(json::Value::object({
        {"id", json::Value::string(health.id)},
        {"instance", json::Value::string(health.instance)},
        {"connections", json::Value::number(health.connections)},
        {"messages", json::Value::number(health.messages)},
        {"uptimeMs", json::Value::number(std::max<int64_t>(0, now_ms - health.started_ms))},
    }), 0);
    std::string response;
    http::append_head(response, http::ResponseHead{200, "application/json", body.size(), false,
                                                   "Cache-Control: no-store\r\n"});
    return response + body;
}

}  // namespace app
