// Processes for the tests that check liveness (registry/process, store).
#pragma once

#include <sys/types.h>

namespace support {

// A pid that was just in use and is now free: forked, exited and reaped.
pid_t reaped_pid();

}  // namespace support
