// Log lines a client causes, with its address: "127.0.0.1:40312" or
// "[::1]:40312" from getpeername() (see base/log.h for the line's form).
#pragma once

#include <string>
#include <string_view>

namespace app {

std::string peer_address(int socket_fd);

// base::client_event() with the peer of `socket_fd`.
void client_event(int socket_fd, std::string_view message);

}  // namespace app
