// One line per event on stderr (stdout is kept for the "listening" line that
// scripts wait for). The text is the same message a client is answered with.
//
// Lines a client can cause (a refused handshake, a protocol error) go through
// client_event(), which prints at most kClientLinesPerSecond of them a
// second: a client that fails on purpose in a loop cannot fill a log file or
// keep the server busy writing. The number left out is printed with the next
// line that is shown. Such a line reads
//   2026-12-01T20:01:05.123Z [server-17...-abc123] 127.0.0.1:40312 <message>
// (UTC time, the server's name, the peer), and every byte of it that is not
// printable ASCII is escaped (escape_for_log), so a header cannot move the
// cursor, recolour a terminal or reorder the text (U+202E).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace base {

inline void log_line(std::string_view prefix, std::string_view message) {
    std::fprintf(stderr, "%.*s%.*s\n", static_cast<int>(prefix.size()), prefix.data(),
                 static_cast<int>(message.size()), message.data());
}

inline void warn(std::string_view message) { log_line("warning: ", message); }
inline void info(std::string_view message) { log_line("", message); }

// At most `per_second` events in each whole second; counts the others.
class RateLimit {
public:
    explicit RateLimit(int per_second) : per_second_(per_second) {}
    // Whether an event at `now_s` may be shown; when it may, *left_out is the
    // number of events refused since the last one shown.
    bool allow(int64_t now_s, uint64_t* left_out) {
        if (now_s != second_) {
            second_ = now_s;
            shown_ = 0;
        }
        if (shown_ >= per_second_) {
            ++left_out_;
            return false;
        }
        ++shown_;
        *left_out = left_out_;
        left_out_ = 0;
        return true;
    }

private:
    int per_second_;
    int shown_ = 0;
    int64_t second_ = -1;
    uint64_t left_out_ = 0;
};

inline constexpr int kClientLinesPerSecond = 20;

// "\u202e" for each valid UTF-8 character outside printable ASCII (8 hex
// digits after \U beyond U+FFFF), "\u001b" for control bytes, "\xNN" for a
// byte that is not part of valid UTF-8, "\\" for a backslash.
std::string escape_for_log(std::string_view text);

// The name client lines carry ("registry-http", a ws-server's id).
void set_log_name(std::string name);
// "2026-12-01T20:01:05.123Z", the time now in UTC.
std::string log_timestamp();
// The whole line: timestamp, [name], peer, message, all escaped.
std::string client_line(std::string_view peer, std::string_view message);

inline void client_event(std::string_view message) {
    static RateLimit limit(kClientLinesPerSecond);
    auto now = std::chrono::steady_clock::now().time_since_epoch();
    uint64_t left_out = 0;
    if (!limit.allow(std::chrono::duration_cast<std::chrono::seconds>(now).count(), &left_out)) return;
    if (left_out > 0)
        info("(" + std::to_string(left_out) + " client events not shown: over " +
             std::to_string(kClientLinesPerSecond) + " a second)");
    info(message);
}

// A line a client caused, with the time, the server's name and `peer`.
inline void client_event(std::string_view peer, std::string_view message) {
    client_event(client_line(peer, message));
}

}  // namespace base
