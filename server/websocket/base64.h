// Base64 (RFC 4648 §4, the standard alphabet with '+' and '/'), for the
// WebSocket handshake: Sec-WebSocket-Accept is encoded, Sec-WebSocket-Key is
// decoded to check that it is 16 bytes (RFC 6455 §4.2.1). Decoding is strict:
// padding is required, no whitespace or line breaks, no characters outside the
// alphabet, and the unused bits before the padding must be zero, so each byte
// string has exactly one accepted text.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace websocket {

std::string base64_encode(std::string_view bytes);

// Error messages name the 0-based position of the offending character, e.g.
// "base64 position 4: '!' is not in the alphabet".
Result<std::string> base64_decode(std::string_view text);

}  // namespace websocket
