// The message log shown under the cards: what was sent, what came back, and
// what happened to the registry and each connection. Bounded, so a page left
// open for days does not grow without limit; the view drops the same lines.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace client {

enum class LogKind { info, sent, echo, error };
std::string_view log_kind_name(LogKind kind) noexcept;  // "info", "sent", "echo", "error"

struct LogEntry {
    double wall_ms = 0;  // Unix time in milliseconds
    LogKind kind = LogKind::info;
    std::string text;       // "Sent: hi", "[server-1] Echo: hi", ...
    std::string server_id;  // which server it concerns; empty for the page itself
};

class Log {
public:
    explicit Log(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

    // Keeps the newest `capacity` entries; returns the stored entry.
    const LogEntry& add(LogEntry entry);
    const std::deque<LogEntry>& entries() const { return entries_; }
    size_t capacity() const { return capacity_; }

private:
    size_t capacity_;
    std::deque<LogEntry> entries_;
};

// The texts the spec names, so tests and users can find them.
std::string sent_text(std::string_view message);                              // "Sent: <msg>"
std::string echo_text(std::string_view server_id, std::string_view message);  // "[<id>] Echo: <msg>"

// A message cut to at most max_bytes of UTF-8 (never inside a character),
// with "… (N more bytes)" appended when it was cut.
std::string shorten(std::string_view message, size_t max_bytes);

// What a log line shows before it is expanded: the start of a text longer
// than max_bytes, cut at a character (and, if one is near, a space); "" when
// the text is short enough to show whole.
std::string log_preview(std::string_view text, size_t max_bytes);

}  // namespace client
