#include "tests/support/processes.h"

#include <sys/wait.h>
#include <unistd.h>

namespace support {

pid_t reaped_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

}  // namespace support
