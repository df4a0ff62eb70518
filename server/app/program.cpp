#include "app/program.h"

#include <sys/resource.h>

#include <cstdio>
#include <string>

namespace app {

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
