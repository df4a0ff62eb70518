#include "backoff.h"

#include <algorithm>

namespace client {

double Backoff::delay_ms(int failures, double random01) const noexcept {
    double nominal = first_ms;
    // Doubling stops at the cap, so a long outage never overflows.
    for (int i = 1; i < failures && nominal < max_ms; ++i) nominal *= 2;
    nominal = std::min(nominal, max_ms);
    double jitter = std::clamp(random01, 0.0, 1.0);
    return nominal / 2 + nominal / 2 * jitter;
}

}  // namespace client
