// The byte sequences of cases 6.5-6.23 (case6_x_x.py), taken by the
// testsuite from Markus Kuhn's UTF-8 decoder test file.
#include "tests/conformance/utf8_sequences.h"

namespace conformance {

using namespace std::string_literals;

Utf8Groups utf8_groups() {
    const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"s;  // κόσμε
    Utf8Groups g;
    auto all = [](bool valid, std::vector<std::string> list) {
        std::vector<std::pair<bool, std::string>> out;
        for (std::string& s : list) out.push_back({valid, std::move(s)});
        return out;
    };
    g.push_back(all(true, {"hello\x24world", "hello\xc2\xa2world", "hello\xe2\x82\xac" "world",
                           "hello\xf0\xa4\xad\xa2world", kosme}));
    g.emplace_back();  // every prefix of κόσμε: valid where it ends on a code point
    for (size_t n = 1; n <= kosme.size(); ++n)
        g.back().push_back({n == 2 || n == 5 || n == 7 || n == 9 || n == 11, kosme.substr(0, n)});
    g.push_back(all(true, {"\x00"s, "\xc2\x80", "\xe0\xa0\x80", "\xf0\x90\x80\x80"}));
    g.push_back(all(false, {"\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80"}));
    g.push_back(all(true, {"\x7f", "\xdf\xbf", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf"}));
    g.push_back(all(false, {"\xf7\xbf\xbf\xbf", "\xfb\xbf\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf\xbf"}));
    g.push_back(all(true, {"\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf"}));
    g.back().push_back({false, "\xf4\x90\x80\x80"});
    g.push_back(all(false, {"\x80", "\xbf", "\x80\xbf", "\x80\xbf\x80", "\x80\xbf\x80\xbf", "\x80\xbf\x80\xbf\x80",
                            "\x80\xbf\x80\xbf\x80\xbf", ""}));
    for (int b = 0x80; b < 0xbf; ++b) g.back().back().second += char(b);  // 80..be
    g.emplace_back();  // lonely start bytes, each followed by a space (upper ends excluded)
    for (auto [from, to] : {std::pair{0xc0, 0xdf}, std::pair{0xe0, 0xef}, std::pair{0xf0, 0xf7},
                                std::pair{0xf8, 0xfb}, std::pair{0xfc, 0xfd}}) {
        std::string s;
        for (int b = from; b < to; ++b) s += {char(b), ' '};
        g.back().push_back({false, s});
    }
    const std::vector<std::string> cut = {"\xc0", "\xe0\x80", "\xf0\x80\x80", "\xf8\x80\x80\x80",
                                          "\xfc\x80\x80\x80\x80", "\xdf", "\xef\xbf", "\xf7\xbf\xbf",
                                          "\xfb\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf"};
    g.push_back(all(false, cut));
    std::string joined;
    for (const std::string& s : cut) joined += s;
    g.push_back(all(false, {joined}));
    g.push_back(all(false, {"\xfe", "\xff", "\xfe\xfe\xff\xff"}));
    g.push_back(all(false, {"\xc0\xaf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xf8\x80\x80\x80\xaf",
                            "\xfc\x80\x80\x80\x80\xaf"}));
    g.push_back(all(false, {"\xc1\xbf", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "\xf8\x87\xbf\xbf\xbf",
                            "\xfc\x83\xbf\xbf\xbf\xbf"}));
    g.push_back(all(false, {"\xc0\x80", "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xf8\x80\x80\x80\x80",
                            "\xfc\x80\x80\x80\x80\x80"}));
    const std::vector<std::string> high = {"\xed\xa0\x80", "\xed\xad\xbf", "\xed\xae\x80", "\xed\xaf\xbf"};
    g.push_back(all(false, high));
    for (const char* low : {"\xed\xb0\x80", "\xed\xbe\x80", "\xed\xbf\xbf"}) g.back().push_back({false, low});
    g.emplace_back();  // paired surrogates
    for (const std::string& h : high)
        for (const char* low : {"\xed\xb0\x80", "\xed\xbf\xbf"}) g.back().push_back({false, h + low});
    g.push_back(all(true, {"\xef\xbf\xbe", "\xef\xbf\xbf"}));  // non-characters: valid UTF-8
    for (char z1 : "\xf0\xf1\xf2\xf3\xf4"s)
        for (char z2 : "\x8f\x9f\xaf\xbf"s)
            for (char z3 : "\xbe\xbf"s) {
                if (z1 == '\xf4' && z2 != '\x8f') continue;  // above U+10FFFF
                if (z1 == '\xf0' && z2 == '\x8f') continue;  // overlong
                g.back().push_back({true, {z1, z2, '\xbf', z3}});
            }
    g.push_back(all(true, {"\xef\xbf\xb9", "\xef\xbf\xba", "\xef\xbf\xbb", "\xef\xbf\xbc", "\xef\xbf\xbd",
                           "\xef\xbf\xbe", "\xef\xbf\xbf"}));  // specials
    return g;
}

}  // namespace conformance
