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

namespace {

// The longest prefix of at most max_bytes that ends at a character boundary.
size_t utf8_cut(std::string_view text, size_t max_bytes) {
    size_t cut = max_bytes;
    // Back up over UTF-8 continuation bytes (10xxxxxx) to a character start.
    while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
    return cut;
}

}  // namespace

std::string log_preview(std::string_view text, size_t max_bytes) {
    if (text.size() <= max_bytes) return {};
    size_t cut = utf8_cut(text, max_bytes);
    size_t space = text.substr(0, cut).rfind(' ');
    if (space != std::string_view::npos && space >= cut - cut / 5) cut = space;  // a word end in the last fifth
    return std::string(text.substr(0, cut));
}

std::string shorten(std::string_view message, size_t max_bytes) {
    if (message.size() <= max_bytes) return std::string(message);
    size_t cut = utf8_cut(message, max_bytes);
    return std::string(message.substr(0, cut)) + "\xE2\x80\xA6 (" + std::to_string(message.size() - cut) +
           " more bytes)";
}

}  // namespace client
