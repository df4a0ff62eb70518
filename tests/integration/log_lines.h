// Checks a server's stderr for a client line (base/log.h):
//   2026-12-01T20:01:05.123Z [<name>] 127.0.0.1:<port> <message>
#pragma once

#include <cctype>
#include <string_view>

namespace harness {

inline bool is_client_line(std::string_view line, std::string_view name, std::string_view message) {
    constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (line.size() < kShape.size()) return false;
    for (size_t i = 0; i < kShape.size(); ++i) {
        bool digit = std::isdigit(static_cast<unsigned char>(line[i])) != 0;
        if (kShape[i] == 'd' ? !digit : line[i] != kShape[i]) return false;
    }
    line.remove_prefix(kShape.size());
    std::string_view head = " [";
    if (line.substr(0, 2) != head || line.substr(2, name.size()) != name) return false;
    line.remove_prefix(2 + name.size());
    constexpr std::string_view kPeer = "] 127.0.0.1:";
    if (line.substr(0, kPeer.size()) != kPeer) return false;
    line.remove_prefix(kPeer.size());
    size_t digits = 0;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
    if (digits == 0 || digits > 5) return false;
    line.remove_prefix(digits);
    return line.size() == message.size() + 1 && line[0] == ' ' && line.substr(1) == message;
}

// Whether some line of `log` is that client line.
inline bool has_client_line(std::string_view log, std::string_view name, std::string_view message) {
    while (!log.empty()) {
        size_t end = log.find('\n');
        if (is_client_line(log.substr(0, end), name, message)) return true;
        log.remove_prefix(end == std::string_view::npos ? log.size() : end + 1);
    }
    return false;
}

}  // namespace harness
