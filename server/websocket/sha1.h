// SHA-1 (FIPS 180-4 §6.1), used only for Sec-WebSocket-Accept (RFC 6455 §4.2.2).
// SHA-1 is broken for collision resistance, but the handshake needs it and does
// not rely on that property. One-shot only: handshake keys are 60 bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace websocket {

std::array<uint8_t, 20> sha1(std::string_view data) noexcept;

}  // namespace websocket
