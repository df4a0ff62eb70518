// Settings read from the page's query string. Only what tests and curious
// users need: ?refresh=<ms> changes how often the registry is polled.
#pragma once

#include <string>
#include <string_view>

namespace client {

struct Options {
    static constexpr int kDefaultRefreshMs = 5000;
    static constexpr int kMinRefreshMs = 100;
    static constexpr int kMaxRefreshMs = 3600000;

    int refresh_ms = kDefaultRefreshMs;
    std::string problem;  // a value that was ignored, and why; empty if none
};

// query: location.search, with or without the leading '?'. Unknown keys are
// ignored (other tools add their own); a bad refresh keeps the default.
Options parse_options(std::string_view query);

}  // namespace client
