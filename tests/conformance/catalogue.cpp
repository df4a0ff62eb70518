// The cases of autobahntestsuite/case/case{1..7,10}_*.py as tables. Each
// comment names what the testsuite's case does where the table does not say
// it; sizes, opcodes, codes and byte sequences are the testsuite's own.
#include "tests/conformance/catalogue.h"

#include <algorithm>
#include <string_view>

#include "tests/conformance/utf8_sequences.h"

namespace conformance {

using namespace std::string_literals;

const char* name(Verdict verdict) {
    switch (verdict) {
    case Verdict::ok: return "OK";
    case Verdict::non_strict: return "NON-STRICT";
    case Verdict::failed: return "FAILED";
    case Verdict::informational: return "INFORMATIONAL";
    case Verdict::unclean: return "UNCLEAN";
    case Verdict::wrong_code: return "WRONG CODE";
    case Verdict::failed_by_client: return "FAILED BY CLIENT";
    }
    return "?";
}

std::string describe(const std::vector<Event>& events) {
    static const char* const kinds[] = {"text", "binary", "ping", "pong", "timeout"};
    std::string text = "[";
    for (const Event& e : events) {
        if (text.size() > 1) text += ", ";
        text += std::string(kinds[e.kind]) + " " + std::to_string(e.payload.size()) + " B";
        if (e.payload.size() > 24) continue;
        const bool ascii = std::all_of(e.payload.begin(), e.payload.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
        if (ascii) text += " \"" + e.payload + "\"";
        else
            for (unsigned char c : e.payload) text += {' ', "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]};
    }
    return text + "]";
}

namespace {

constexpr uint8_t kCont = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10;

const std::string kHello = "Hello, world!";
const std::string kKosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"s;  // κόσμε

std::string repeat(std::string_view unit, size_t size) {
    std::string out;
    while (out.size() < size) out += unit.substr(0, size - out.size());
    return out;
}

Event text(std::string payload) { return {Event::text, std::move(payload)}; }
Event binary(std::string payload) { return {Event::binary, std::move(payload)}; }
Event pong(std::string payload) { return {Event::pong, std::move(payload)}; }

// sendClose(code, reason) / sendCloseFrame(code, reasonUtf8): the client closes.
Send close(int code = -1, std::string reason = {}) {
    std::string payload;
    if (code >= 0) payload = {char(code >> 8), char(code & 0xff)};
    return {.opcode = kClose, .payload = payload + reason, .closes = true};
}

// sendMessage(payload, fragmentSize = size): frames of `size` bytes, in one write.
std::vector<Send> fragmented(uint8_t opcode, const std::string& payload, size_t size) {
    std::vector<Send> sends;
    for (size_t at = 0; at < payload.size(); at += size)
        sends.push_back({.opcode = at == 0 ? opcode : kCont, .payload = payload.substr(at, size),
                         .fin = at + size >= payload.size()});
    return sends;
}

// The usual shapes: the server echoes and the client closes with 1000 ...
Case echo(std::string id, std::vector<Send> sends, std::vector<Event> expected, bool close_after = false) {
    Case c{.id = std::move(id), .parts = {{std::move(sends)}}, .expected = {{Verdict::ok, std::move(expected)}}};
    c.close_after = close_after;
    return c;
}

// ... or the server fails the connection with `code`, maybe after echoing
// `before` (then failing before it is NON-STRICT: all input judged first).
Case fails(std::string id, std::vector<Send> sends, uint16_t code = 1002, std::vector<Event> before = {}) {
    Case c{.id = std::move(id), .parts = {{std::move(sends)}}, .expected = {{Verdict::ok, before}}};
    if (!before.empty()) c.expected.push_back({Verdict::non_strict, {}});
    c.closed_by_me = false;
    c.close_codes = {code};
    c.require_clean = false;
    c.wrong_endpoint_fatal = code == 1007;
    return c;
}

// 7.x: the client closes first; a wrong close code fails the case.
Case closes(std::string id, std::vector<Send> sends, std::vector<uint16_t> codes, bool clean) {
    Case c{.id = std::move(id), .parts = {{std::move(sends)}}, .expected = {{Verdict::ok, {}}}};
    c.close_codes = std::move(codes);
    c.require_clean = clean;
    c.suppress_close = true;
    c.judge = Case::Judge::wrong_code_fails;
    return c;
}

void add_framing(std::vector<Case>& cases) {  // 1.x: echo of each length form
    const size_t sizes[] = {0, 125, 126, 127, 128, 65535, 65536, 65536};
    for (int kind = 1; kind <= 2; ++kind)
        for (int i = 0; i < 8; ++i) {
            const std::string payload(sizes[i], kind == 1 ? '*' : '\xfe');
            Send send{.opcode = uint8_t(kind), .payload = payload, .chop = i == 7 ? 997u : 0u};
            cases.push_back(echo("1." + std::to_string(kind) + "." + std::to_string(i + 1), {send},
                                 {kind == 1 ? text(payload) : binary(payload)}));
        }
}

void add_pings(std::vector<Case>& cases) {  // 2.x
    const std::string bin = "\x00\xff\xfe\xfd\xfc\xfb\x00\xff"s, fe125(125, '\xfe');
    cases.push_back(echo("2.1", {{.opcode = kPing}}, {pong("")}, true));
    cases.push_back(echo("2.2", {{.opcode = kPing, .payload = kHello}}, {pong(kHello)}, true));
    cases.push_back(echo("2.3", {{.opcode = kPing, .payload = bin}}, {pong(bin)}, true));
    cases.push_back(echo("2.4", {{.opcode = kPing, .payload = fe125}}, {pong(fe125)}, true));
    cases.push_back(fails("2.5", {{.opcode = kPing, .payload = std::string(126, '\xfe')}}));
    cases.push_back(echo("2.6", {{.opcode = kPing, .payload = fe125, .chop = 1}}, {pong(fe125)}, true));
    cases.push_back(echo("2.7", {{.opcode = kPong}, close(1000)}, {}, true));
    cases.push_back(echo("2.8", {{.opcode = kPong, .payload = "unsolicited pong payload"}, close(1000)}, {}, true));
    cases.push_back(echo("2.9", {{.opcode = kPong, .payload = "unsolicited pong payload"},
                                 {.opcode = kPing, .payload = "ping payload"}},
                         {pong("ping payload")}, true));
    for (size_t chop : {0, 1}) {
        std::vector<Send> sends;
        std::vector<Event> pongs;
        for (int i = 0; i < 10; ++i) {
            sends.push_back({.opcode = kPing, .payload = "payload-" + std::to_string(i), .chop = chop});
            pongs.push_back(pong(sends.back().payload));
        }
        cases.push_back(echo(chop ? "2.11" : "2.10", sends, pongs, true));
    }
}

void add_reserved(std::vector<Case>& cases) {  // 3.x: RSV bits; 4.x: reserved opcodes
    cases.push_back(fails("3.1", {{.opcode = kText, .payload = kHello, .rsv = 1}}));
    // A valid message, the bad frame, a ping: one write, frame-wise, octet-wise.
    for (int rsv = 2; rsv <= 4; ++rsv) {
        const size_t chop = rsv == 4 ? 1 : 0;
        const bool sync = rsv == 3;
        cases.push_back(fails("3." + std::to_string(rsv),
                              {{.opcode = kText, .payload = kHello, .chop = chop, .sync = sync},
                               {.opcode = kText, .payload = kHello, .rsv = uint8_t(rsv), .chop = chop, .sync = sync},
                               {.opcode = kPing, .chop = chop, .sync = sync}},
                              1002, {text(kHello)}));
    }
    cases.push_back(fails("3.5", {{.opcode = kBinary, .payload = "\x00\xff\xfe\xfd\xfc\xfb\x00\xff"s, .rsv = 5}}));
    cases.push_back(fails("3.6", {{.opcode = kBinary, .payload = kHello, .rsv = 6}}));
    cases.push_back(fails("3.7", {{.opcode = kClose, .rsv = 7}}));
    for (int group = 1; group <= 2; ++group) {
        const uint8_t base = group == 1 ? 3 : 11;  // 4.1: 3-7, 4.2: 11-15
        const std::string prefix = "4." + std::to_string(group) + ".";
        cases.push_back(fails(prefix + "1", {{.opcode = base}}));
        cases.push_back(fails(prefix + "2", {{.opcode = uint8_t(base + 1), .payload = "reserved opcode payload"}}));
        for (int i = 3; i <= 5; ++i) {
            const size_t chop = i == 5 ? 1 : 0;
            cases.push_back(fails(prefix + std::to_string(i),
                                  {{.opcode = kText, .payload = kHello, .chop = chop},
                                   {.opcode = uint8_t(base + i - 1), .payload = i == 3 ? "" : kHello, .chop = chop},
                                   {.opcode = kPing, .chop = chop}},
                                  1002, {text(kHello)}));
        }
    }
}

void add_fragmentation(std::vector<Case>& cases) {  // 5.x
    auto f = [](uint8_t opcode, bool fin, std::string payload, size_t chop = 0, bool sync = false) {
        return Send{.opcode = opcode, .payload = std::move(payload), .fin = fin, .chop = chop, .sync = sync};
    };
    cases.push_back(fails("5.1", {f(kPing, false, "fragment1"), f(kCont, true, "fragment2")}));
    cases.push_back(fails("5.2", {f(kPong, false, "fragment1"), f(kCont, true, "fragment2")}));
    // 5.3-5.8: a fragmented text message, then with a ping inside; each in
    // one write, frame-wise (sync) and octet-wise (chop 1).
    for (int i = 0; i < 6; ++i) {
        const size_t chop = i % 3 == 2 ? 1 : 0;
        const bool sync = i % 3 == 1;
        std::vector<Send> sends = {f(kText, false, "fragment1", chop, sync), f(kCont, true, "fragment2", chop, sync)};
        std::vector<Event> events = {text("fragment1fragment2")};
        if (i >= 3) {
            sends.insert(sends.begin() + 1, f(kPing, true, "ping payload", chop, sync));
            events.insert(events.begin(), pong("ping payload"));
        }
        cases.push_back(echo("5." + std::to_string(3 + i), sends, events, true));
    }
    // 5.9-5.14: a continuation (FIN set, then not) with nothing to continue.
    for (int i = 0; i < 6; ++i) {
        const size_t chop = i % 3 == 2 ? 1 : 0;
        const bool sync = i % 3 == 1;
        cases.push_back(fails("5." + std::to_string(9 + i), {f(kCont, i < 3, "non-continuation payload", chop, sync),
                                                             f(kText, true, kHello, chop, sync)}));
    }
    cases.push_back(fails("5.15",
                          {f(kText, false, "fragment1"), f(kCont, true, "fragment2"), f(kCont, false, "fragment3"),
                           f(kText, true, "fragment4")},
                          1002, {text("fragment1fragment2")}));
    for (bool first_fin : {false, true}) {
        std::vector<Send> sends;
        for (int i = 0; i < 2; ++i)
            for (Send s : {f(kCont, first_fin, "fragment1"), f(kText, false, "fragment2"), f(kCont, true, "fragment3")})
                sends.push_back(s);
        cases.push_back(fails(first_fin ? "5.17" : "5.16", sends));
    }
    cases.push_back(fails("5.18", {f(kText, false, "fragment1"), f(kText, true, "fragment2")}));
    // 5.19, 5.20: pings between fragments, a pause after the first; 5.20 frame-wise.
    for (bool sync : {false, true}) {
        Case c = echo(sync ? "5.20" : "5.19", {}, {pong("pongme 1!"), pong("pongme 2!"),
                                                   text("fragment1fragment2fragment3fragment4fragment5")},
                      true);
        c.parts = {{.sends = {f(kText, false, "fragment1", 0, sync), f(kCont, false, "fragment2", 0, sync),
                              f(kPing, true, "pongme 1!", 0, sync)},
                    .await = 1},
                   {.sends = {f(kCont, false, "fragment3", 0, sync), f(kCont, false, "fragment4", 0, sync),
                              f(kPing, true, "pongme 2!", 0, sync), f(kCont, true, "fragment5", 0, sync)}}};
        cases.push_back(c);
    }
}

void add_utf8(std::vector<Case>& cases) {  // 6.x
    cases.push_back(echo("6.1.1", {{.opcode = kText}}, {text("")}, true));
    cases.push_back(echo("6.1.2", {{.opcode = kText, .fin = false}, {.opcode = kCont, .fin = false}, {.opcode = kCont}},
                         {text("")}, true));
    cases.push_back(echo("6.1.3", {{.opcode = kText, .fin = false},
                                   {.opcode = kCont, .payload = "middle frame payload", .fin = false},
                                   {.opcode = kCont}},
                         {text("middle frame payload")}, true));
    const std::string hello1 = "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4", hello2 = "\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!";
    cases.push_back(echo("6.2.1", {{.opcode = kText, .payload = hello1 + hello2}}, {text(hello1 + hello2)}, true));
    cases.push_back(echo("6.2.2", {{.opcode = kText, .payload = hello1, .fin = false}, {.opcode = kCont, .payload = hello2}},
                         {text(hello1 + hello2)}, true));
    cases.push_back(echo("6.2.3", fragmented(kText, hello1 + hello2, 1), {text(hello1 + hello2)}, true));
    cases.push_back(echo("6.2.4", fragmented(kText, kKosme, 1), {text(kKosme)}, true));
    // 6.3: invalid at byte 12 (a surrogate), whole and in 1-byte fragments.
    const std::string bad = kKosme + "\xed\xa0\x80" + "edited";
    cases.push_back(fails("6.3.1", {{.opcode = kText, .payload = bad}}, 1007));
    cases.push_back(fails("6.3.2", fragmented(kText, bad, 1), 1007));
    // 6.4: fail fast. Three parts, a pause after each: valid, the part that
    // makes it invalid (0xf4 0x90: above U+10FFFF), the rest. OK when the
    // server closes during the second pause, NON-STRICT when only at the end.
    // 6.4.1-2 as three frames, 6.4.3-4 as three pieces of one frame (then
    // endMessage()'s empty final frame).
    const std::string payload = kKosme + "\xf4\x90\x80\x80" + "edited";
    for (int i = 0; i < 4; ++i) {
        const size_t cut1 = i % 2 == 0 ? 11 : 12, cut2 = i % 2 == 0 ? 15 : 13;
        Case c = fails("6.4." + std::to_string(i + 1), {}, 1007);
        c.expected = {{Verdict::ok, {{Event::timeout, "A"}}},
                      {Verdict::non_strict, {{Event::timeout, "A"}, {Event::timeout, "B"}}}};
        if (i < 2) {
            c.parts = {{.sends = {{.opcode = kText, .payload = payload.substr(0, cut1), .fin = false}}},
                       {.sends = {{.opcode = kCont, .payload = payload.substr(cut1, cut2 - cut1), .fin = false}},
                        .tag = "A", .await = 1},
                       {.sends = {{.opcode = kCont, .payload = payload.substr(cut2)}}, .tag = "B"}};
        } else {
            const Send frame{.opcode = kText, .payload = payload, .fin = false};
            auto piece = [&](size_t from, size_t to) {
                Send s = frame;
                s.from = from;
                s.to = to;
                return s;
            };
            c.parts = {{.sends = {piece(0, cut1)}},
                       {.sends = {piece(cut1, cut2)}, .tag = "A", .await = 1},
                       {.sends = {piece(cut2, payload.size()), {.opcode = kCont}}, .tag = "B"}};
        }
        cases.push_back(c);
    }
    int group = 5;
    for (const auto& sequences : utf8_groups()) {
        int n = 1;
        for (const auto& [valid, bytes] : sequences) {
            std::string id = "6." + std::to_string(group) + "." + std::to_string(n++);
            Send send{.opcode = kText, .payload = bytes};
            cases.push_back(valid ? echo(id, {send}, {text(bytes)}) : fails(id, {send}, 1007));
        }
        ++group;
    }
}

void add_close(std::vector<Case>& cases) {  // 7.x
    Case first = closes("7.1.1", {{.opcode = kText, .payload = "Hello World!"}}, {1000}, true);
    first.expected = {{Verdict::ok, {text("Hello World!")}}};
    first.suppress_close = false;
    cases.push_back(first);
    cases.push_back(closes("7.1.2", {close(1000), {.opcode = kClose}}, {1000}, true));
    cases.push_back(closes("7.1.3", {close(1000), {.opcode = kPing}}, {1000}, true));
    cases.push_back(closes("7.1.4", {close(1000), {.opcode = kText, .payload = "Hello World!"}}, {1000}, true));
    cases.push_back(closes("7.1.5",
                           {{.opcode = kText, .payload = "fragment1", .fin = false}, close(1000),
                            {.opcode = kCont, .payload = "fragment2"}},
                           {1000}, true));
    Case big = closes("7.1.6",
                      {{.opcode = kText, .payload = repeat("BAsd7&jh23", 256 << 10)},
                       {.opcode = kText, .payload = "Hello World!"}, close(1000), {.opcode = kPing}},
                      {1000}, true);
    big.expected = {{Verdict::ok, {text("Hello World!")}}, {Verdict::non_strict, {}}};
    big.judge = Case::Judge::informational;
    cases.push_back(big);
    cases.push_back(closes("7.3.1", {close()}, {1000}, true));
    cases.push_back(closes("7.3.2", {close(-1, "a")}, {1002}, false));
    cases.push_back(closes("7.3.3", {close(1000)}, {1000}, true));
    cases.push_back(closes("7.3.4", {close(1000, "Hello World!")}, {1000}, true));
    cases.push_back(closes("7.3.5", {close(1000, std::string(123, '*'))}, {1000}, true));
    cases.push_back(closes("7.3.6", {close(1000, std::string(124, '*'))}, {1002}, false));
    cases.push_back(closes("7.5.1", {close(1000, kKosme + "\xed\xa0\x80" + "edited")}, {1002, 1007}, false));
    int n = 1;
    for (uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
        Case c = closes("7.7." + std::to_string(n++), {close(code)}, {1000, code}, true);
        c.suppress_close = false;
        cases.push_back(c);
    }
    n = 1;
    for (uint16_t code : {0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999}) {
        Case c = closes("7.9." + std::to_string(n++), {close(code)}, {1002}, false);
        c.suppress_close = false;
        cases.push_back(c);
    }
    n = 1;
    for (uint16_t code : {5000, 65535}) {
        Case c = closes("7.13." + std::to_string(n++), {close(code)}, {1000, code, 1002}, false);
        c.judge = Case::Judge::informational;
        cases.push_back(c);
    }
}

}  // namespace

const std::vector<Case>& catalogue() {
    static const std::vector<Case> cases = [] {
        std::vector<Case> all;
        add_framing(all);
        add_pings(all);
        add_reserved(all);
        add_fragmentation(all);
        add_utf8(all);
        add_close(all);
        // 10.1.1: 64 KiB of text sent auto-fragmented into 1300-byte frames.
        const std::string stars(65536, '*');
        all.push_back(echo("10.1.1", fragmented(kText, stars, 1300), {text(stars)}));
        return all;
    }();
    return cases;
}

}  // namespace conformance
