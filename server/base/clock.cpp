#include "base/clock.h"

#include <time.h>

namespace base {
namespace {

int64_t read_ms(clockid_t clock) noexcept {
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

}  // namespace

int64_t monotonic_ms() noexcept { return read_ms(CLOCK_MONOTONIC); }
int64_t wall_ms() noexcept { return read_ms(CLOCK_REALTIME); }

}  // namespace base
