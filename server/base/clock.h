// The two clocks, named by which they are. Measure time spans and deadlines
// with monotonic_ms (it never jumps); write timestamps others read (registry
// startedAt, ids, corrupt-file names) with wall_ms.
#pragma once

#include <cstdint>

namespace base {

int64_t monotonic_ms() noexcept;  // CLOCK_MONOTONIC, ms since some start
int64_t wall_ms() noexcept;       // CLOCK_REALTIME, Unix ms

}  // namespace base
