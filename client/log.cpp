#include "log.h"

#include <cstdint>

namespace client {

std::string_view log_kind_name(LogKind kind) noexcept {
    switch (kind) {
        case LogKind::info: return "info";
        case LogKind::sent: return "sent";
        case LogKind::echo: return "echo";
        case LogKind::error: return "error";
    }
    return "info";
}

const LogEntry& Log::add(LogEntry entry) {
    if (entries_.size() == capacity_) entries_.pop_front();
    entries_.push_back(std::move(entry));
    return entries_.back();
}

std::string sent_text(std::string_view message) {
    return "Sent: " + std::string(message);
}

std::string echo_text(std::string_view server_id, std::string_view message) {
    return "[" + std::string(server_id) + "] Echo: " + std::string(message);
}

std::string shorten(std::string_view message, size_t max_bytes) {
    if (message.size() <= max_bytes) return std::string(message);
    size_t cut = max_bytes;
    // Back up over UTF-8 continuation bytes (10xxxxxx) to a character start.
    while (cut > 0 && (static_cast<uint8_t>(message[cut]) & 0xC0) == 0x80) --cut;
    return std::string(message.substr(0, cut)) + "\xE2\x80\xA6 (" + std::to_string(message.size() - cut) +
           " more bytes)";
}

}  // namespace client
