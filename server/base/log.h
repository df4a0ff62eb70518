// One line per event on stderr (stdout is kept for the "listening" line that
// scripts wait for). The text is the same message a client is answered with.
#pragma once

#include <cstdio>
#include <string_view>

namespace base {

inline void log_line(std::string_view prefix, std::string_view message) {
    std::fprintf(stderr, "%.*s%.*s\n", static_cast<int>(prefix.size()), prefix.data(),
                 static_cast<int>(message.size()), message.data());
}

inline void warn(std::string_view message) { log_line("warning: ", message); }
inline void info(std::string_view message) { log_line("", message); }

}  // namespace base
