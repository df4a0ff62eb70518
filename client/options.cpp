#include "options.h"

#include <charconv>

namespace client {

namespace {

void apply_poll(std::string_view key, std::string_view value, Options& options) {
    int ms = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (error != std::errc{} || end != value.data() + value.size() || ms < Options::kMinPollMs ||
        ms > Options::kMaxPollMs) {
        options.problem = "ignored " + std::string(key) + "=" + std::string(value) + ": expected milliseconds from " +
                          std::to_string(Options::kMinPollMs) + " to " +
                          std::to_string(Options::kMaxPollMs);
        return;
    }
    options.poll_ms = ms;
}

void apply_watch(std::string_view value, Options& options) {
    if (value == "on" || value == "1" || value == "true")
        options.watch = true;
    else if (value == "off" || value == "0" || value == "false")
        options.watch = false;
    else
        options.problem = "ignored watch=" + std::string(value) + ": expected on or off";
}

}  // namespace

Options parse_options(std::string_view query) {
    Options options;
    if (query.starts_with('?')) query.remove_prefix(1);
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        size_t eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (key == "poll" || key == "refresh") apply_poll(key, value, options);
        if (key == "watch") apply_watch(value, options);
    }
    return options;
}

}  // namespace client
