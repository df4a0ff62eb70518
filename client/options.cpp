#include "options.h"

#include <charconv>

namespace client {

namespace {

void apply_refresh(std::string_view value, Options& options) {
    int ms = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (error != std::errc{} || end != value.data() + value.size() || ms < Options::kMinRefreshMs ||
        ms > Options::kMaxRefreshMs) {
        options.problem = "ignored refresh=" + std::string(value) + ": expected milliseconds from " +
                          std::to_string(Options::kMinRefreshMs) + " to " +
                          std::to_string(Options::kMaxRefreshMs);
        return;
    }
    options.refresh_ms = ms;
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
        if (key == "refresh") apply_refresh(value, options);
    }
    return options;
}

}  // namespace client
