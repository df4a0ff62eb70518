// What both main()s share: the command line's outcome and process set-up.
#pragma once

#include <signal.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "app/flags.h"

namespace app {

struct Program {
    std::string_view name;      // "ws-server"
    std::string_view synopsis;  // first lines of --help
    std::string_view version;   // "ws-server 1.0.0"
};

// Parses argv. --help and --version print and give 0; a bad flag prints the
// error and the usage on stderr and gives 2; nullopt means: run.
std::optional<int> parse_command_line(const Program& program, const Flags& flags, int argc, char** argv);

// Each of these stops a server cleanly, as SIGTERM does: SIGHUP is a closed
// terminal (tmux kill-session), SIGQUIT is Ctrl+\ (no core dump: a stop
// that leaves the registry entry behind helps nobody).
inline constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// While the event loop does not own the stop signals (before it starts, after
// it stopped): a stop signal only records itself, without SA_RESTART, so a
// wait in progress (the registry lock) ends early and can look.
void catch_stop_signals();
int caught_stop_signal();  // the last one caught, 0 if none
// Sleeps up to `ms`; true when a stop signal has been caught. For
// registry::LockWait::pause.
bool pause_unless_stopped(int64_t ms);

// Lifts the soft limit on open files to the hard one: 10,000 clients need
// more descriptors than the usual 1024.
void raise_fd_limit();

}  // namespace app
