// What both main()s share: the command line's outcome and process set-up.
#pragma once

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

// Lifts the soft limit on open files to the hard one: 10,000 clients need
// more descriptors than the usual 1024.
void raise_fd_limit();

}  // namespace app
