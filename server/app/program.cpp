#include "app/program.h"

#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <string>

namespace app {

namespace {
volatile sig_atomic_t g_stop_signal = 0;
void record_stop_signal(int signo) { g_stop_signal = signo; }
}  // namespace

void catch_stop_signals() {
    g_stop_signal = 0;
    struct sigaction action {};
    action.sa_handler = record_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a sleep in progress returns EINTR
    for (int signo : kStopSignals) ::sigaction(signo, &action, nullptr);
}

int caught_stop_signal() { return g_stop_signal; }

bool pause_unless_stopped(int64_t ms) {
    if (g_stop_signal != 0) return true;
    timespec span{static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1'000'000};
    ::nanosleep(&span, nullptr);  // a signal between the look and the sleep costs at most `ms`
    return g_stop_signal != 0;
}

std::optional<int> parse_command_line(const Program& program, const Flags& flags, int argc, char** argv) {
    std::string error;
    switch (flags.parse(argc, argv, &error)) {
    case Flags::Outcome::help:
        std::fputs(flags.usage(program.synopsis).c_str(), stdout);
        return 0;
    case Flags::Outcome::version:
        std::printf("%.*s\n", static_cast<int>(program.version.size()), program.version.data());
        return 0;
    case Flags::Outcome::bad:
        std::fprintf(stderr, "%.*s: %s\n\n%s", static_cast<int>(program.name.size()), program.name.data(),
                     error.c_str(), flags.usage(program.synopsis).c_str());
        return 2;
    case Flags::Outcome::run:
        break;
    }
    return std::nullopt;
}

void raise_fd_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

}  // namespace app
