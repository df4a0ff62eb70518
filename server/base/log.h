// One line per event on stderr (stdout is kept for the "listening" line that
// scripts wait for). The text is the same message a client is answered with.
//
// Lines a client can cause (a refused handshake, a protocol error) go through
// client_event(), which prints at most kClientLinesPerSecond of them a
// second: a client that fails on purpose in a loop cannot fill a log file or
// keep the server busy writing. The number left out is printed with the next
// line that is shown.
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

}  // namespace base
