// How long to wait before reconnecting to a server that closed or refused us.
// Exponential, so a server that is gone for good costs almost nothing, with
// "equal jitter" (half fixed, half random) so that several pages reconnecting
// to one restarted server do not arrive in lockstep, yet none retries sooner
// than half the nominal delay.
#pragma once

namespace client {

struct Backoff {
    double first_ms = 500;  // nominal delay after the first failure
    double max_ms = 30000;  // the nominal delay never grows past this

    // failures: consecutive failed or lost connections, 1 for the first.
    // random01: a uniform sample in [0, 1]; the caller owns the generator.
    double delay_ms(int failures, double random01) const noexcept;
};

}  // namespace client
