// The Autobahn|Testsuite catalogue (github.com/crossbario/autobahn-testsuite,
// autobahntestsuite/case/), groups 1-7 and 10, as data: what each case sends,
// how the bytes are cut into writes, and what the testsuite expects back.
// Ported from reading its case definitions, not the testsuite itself: the
// driver (driver.h) plays its fuzzing client and judges as its Case class
// does. 9.x (sizes and speed) and 12.x/13.x (compression) are left out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace conformance {

// The testsuite's verdicts (case.py). "Strict OK": OK or INFORMATIONAL, for
// the events and for the close alike; NON-STRICT counts as failed.
enum class Verdict { ok, non_strict, failed, informational, unclean, wrong_code, failed_by_client };
const char* name(Verdict verdict);

// What the client saw: a whole message (text or binary), a ping or pong, or a
// "timeout" a case records itself when a pause passed with the connection
// still open (6.4.x).
struct Event {
    enum Kind { text, binary, ping, pong, timeout } kind;
    std::string payload{};
    bool operator==(const Event&) const = default;
};
std::string describe(const std::vector<Event>& events);

// One frame as the testsuite's sendFrame() sends it, masked. `chop`: cut
// into writes of that many bytes; `sync`: a write of its own; otherwise it
// joins the frames around it in one write. `closes`: sent by sendClose()
// or sendCloseFrame(), so the client is closing from then on (a raw close
// from sendFrame(opcode = 8) is not).
struct Send {
    uint8_t opcode = 1;
    std::string payload{};
    bool fin = true;
    uint8_t rsv = 0;
    size_t chop = 0;
    bool sync = false;
    bool closes = false;
    // 6.4.3-4 send one frame in pieces, a pause between them: only payload
    // bytes [from, to) go (and the header when `from` is 0).
    size_t from = 0;
    size_t to = std::string::npos;
};

// A part of a case's script: continueLater() parts after the first. A part
// runs only while the server has not closed; `tag` (when set) is recorded as
// a timeout event first. `await`: how many events (a close counts as one) a
// strict server has sent by the end of this part; the driver waits for them
// (bounded) instead of the testsuite's fixed delay, then takes what else is in.
struct Part {
    std::vector<Send> sends{};
    std::string tag{};
    size_t await = 0;
};

struct Case {
    std::string id{};  // "6.4.3"
    std::vector<Part> parts{};
    std::vector<std::pair<Verdict, std::vector<Event>>> expected{};
    // expectedClose.
    bool closed_by_me = true;
    std::vector<uint16_t> close_codes = {1000};
    bool require_clean = true;
    bool wrong_endpoint_fatal = false;  // closedByWrongEndpointIsFatal
    // killAfter() (drop the connection) or closeAfter() (send an empty close)
    // when the server has not finished the case.
    bool close_after = false;
    bool suppress_close = false;  // no close of ours once the events match
    enum class Judge { plain, wrong_code_fails, informational } judge = Judge::plain;
};

// Every case of groups 1-7 and 10, in the testsuite's order.
const std::vector<Case>& catalogue();

}  // namespace conformance
