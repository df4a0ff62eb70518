// Runs one catalogue case against a WebSocket server on loopback, playing the
// testsuite's fuzzing client (fuzzing.py with autobahn's client protocol):
// opening handshake, the case's writes, replies to the server's close and
// pings, a close of its own once the events match, and the verdicts of
// case.py's onConnectionLost(). The testsuite's timers (killAfter,
// closeAfter, continueLater) become bounded waits for what a strict server
// sends, so a passing case never waits for a clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/conformance/catalogue.h"

namespace conformance {

struct Result {
    Verdict behavior = Verdict::failed;        // of the events
    Verdict behavior_close = Verdict::failed;  // of the closing
    std::vector<Event> received{};
    std::string detail{};  // what happened, for a failure message
    bool strict_ok() const;
};

Result run(const Case& c, uint16_t port);

}  // namespace conformance
