// What the App needs from the browser, as an interface so that tests can
// stand in for it. browser.cpp implements it with Emscripten's fetch and
// WebSocket APIs; answers come back through the App's event methods.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "connection.h"

namespace client {

class Platform {
public:
    virtual ~Platform() = default;

    // Starts GET path, with If-None-Match: if_none_match unless it is empty;
    // the answer arrives as App::registry_loaded/registry_not_modified/registry_failed.
    virtual void fetch_registry(const std::string& path, const std::string& if_none_match) = 0;
    // Starts a WebSocket; 0 if it could not even be created. Events arrive as
    // App::socket_opened/socket_message/socket_closed with the returned id.
    virtual SocketId open_socket(const std::string& url) = 0;
    virtual bool send_text(SocketId socket, const std::string& text) = 0;
    // Closes and forgets the socket: no event for it arrives afterwards.
    virtual void close_socket(SocketId socket, uint16_t code, std::string_view reason) = 0;

    virtual double wall_clock_ms() = 0;    // Unix time, for what the page shows only
    virtual int utc_offset_minutes() = 0;  // local time minus UTC, asked each time (DST)
    virtual double random01() = 0;         // uniform in [0, 1], for backoff jitter
};

}  // namespace client
