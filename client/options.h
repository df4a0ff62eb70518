// Settings read from the page's query string. Only what tests and curious
// users need: ?poll=<ms> changes how often the registry is polled while the
// watch socket is down (?refresh=<ms>, its older name, still works);
// ?watch=off makes the page poll only.
#pragma once

#include <string>
#include <string_view>

namespace client {

struct Options {
    static constexpr int kDefaultPollMs = 5000;
    static constexpr int kMinPollMs = 100;
    static constexpr int kMaxPollMs = 3600000;

    int poll_ms = kDefaultPollMs;
    bool watch = true;  // ?watch=off: poll only, never open the watch socket
    std::string problem;  // a value that was ignored, and why; empty if none
};

// query: location.search, with or without the leading '?'. Unknown keys are
// ignored (other tools add their own); a bad value keeps the default.
Options parse_options(std::string_view query);

}  // namespace client
