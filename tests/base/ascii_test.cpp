// The character helpers every parser shares (server/base/ascii.h).
#include "base/ascii.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

TEST(Ascii, ClassesCoverExactlyTheirBytes) {
    for (int i = 0; i < 256; ++i) {
        const char c = static_cast<char>(i);
        SCOPED_TRACE(i);
        EXPECT_EQ(base::is_digit(c), i >= '0' && i <= '9');
        EXPECT_EQ(base::is_alpha(c), (i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z'));
        EXPECT_EQ(base::is_ctl(c), i < 0x20 || i == 0x7f);  // bytes above 0x7F are not controls
        EXPECT_EQ(base::is_ows(c), i == ' ' || i == '\t');
        const int hex = (i >= '0' && i <= '9') ? i - '0' : (i >= 'a' && i <= 'f') ? i - 'a' + 10
                      : (i >= 'A' && i <= 'F') ? i - 'A' + 10 : -1;
        EXPECT_EQ(base::hex_value(c), hex);
        EXPECT_EQ(base::ascii_lower(c), (i >= 'A' && i <= 'Z') ? static_cast<char>(i + 32) : c);
    }
}

TEST(Ascii, Iequals) {
    EXPECT_TRUE(base::iequals("Sec-WebSocket-Key", "sec-websocket-key"));
    EXPECT_TRUE(base::iequals("", ""));
    EXPECT_FALSE(base::iequals("Host", "Hos"));
    EXPECT_FALSE(base::iequals("\xc3\x89", "\xc3\xa9"));  // É and é: no folding above ASCII
}

TEST(Ascii, FixedDigits) {
    EXPECT_EQ(base::fixed_digits("2026-01-03", 0, 4), 2026);
    EXPECT_EQ(base::fixed_digits("2026-01-03", 5, 2), 1);
    EXPECT_EQ(base::fixed_digits("2026-01-03", 8, 2), 3);
    EXPECT_EQ(base::fixed_digits("2026-01-03", 8, 3), -1);   // runs past the end
    EXPECT_EQ(base::fixed_digits("2026-01-03", 11, 0), -1);  // starts past the end
    EXPECT_EQ(base::fixed_digits("2026-01-03", 10, 0), 0);   // nothing asked, nothing wrong
    EXPECT_EQ(base::fixed_digits("2026-01-03", 3, 2), -1);   // '6-'
    EXPECT_EQ(base::fixed_digits("+1", 0, 2), -1);
    EXPECT_EQ(base::fixed_digits("999999999", 0, 9), 999999999);
}

TEST(Ascii, TrimOws) {
    EXPECT_EQ(base::trim_ows(" \t value \t "), "value");
    EXPECT_EQ(base::trim_ows("in side"), "in side");
    EXPECT_EQ(base::trim_ows(" \t "), "");
    EXPECT_EQ(base::trim_ows("\r\nx\n"), "\r\nx\n");  // only spaces and tabs
}

std::vector<std::string> elements(std::string_view list) {
    std::vector<std::string> out;
    base::for_each_list_element(list, [&](std::string_view element) {
        out.emplace_back(element);
        return true;
    });
    return out;
}

TEST(Ascii, CommaListsSkipEmptyElementsAndTrim) {
    using List = std::vector<std::string>;
    EXPECT_EQ(elements("keep-alive, Upgrade"), (List{"keep-alive", "Upgrade"}));
    EXPECT_EQ(elements(" ,, a ,\tb\t,"), (List{"a", "b"}));  // RFC 9110 §5.6.1: empty elements are ignored
    EXPECT_EQ(elements(""), List{});
    EXPECT_EQ(elements("one"), List{"one"});
    EXPECT_EQ(elements("W/\"x\", \"y z\""), (List{"W/\"x\"", "\"y z\""}));
}

TEST(Ascii, CommaListStopsWhenTheVisitorSaysSo) {
    std::vector<std::string> seen;
    base::for_each_list_element("a, b, c", [&](std::string_view element) {
        seen.emplace_back(element);
        return element != "b";
    });
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
