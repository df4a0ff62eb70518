#include "websocket/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using websocket::is_valid_utf8;
using websocket::Utf8Validator;

bool feed(Utf8Validator& v, std::string_view bytes) {
    return v.feed(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

// Encodes any value below 2^21 in `length` bytes, overlong or not, surrogate or not.
std::string encode(uint32_t code_point, int length) {
    std::string out;
    if (length == 1) return std::string(1, static_cast<char>(code_point));
    static constexpr uint8_t kLead[] = {0, 0, 0xc0, 0xe0, 0xf0};
    out += static_cast<char>(kLead[length] | (code_point >> (6 * (length - 1))));
    for (int i = length - 2; i >= 0; --i) out += static_cast<char>(0x80 | ((code_point >> (6 * i)) & 0x3f));
    return out;
}

int shortest_length(uint32_t code_point) {
    return code_point < 0x80 ? 1 : code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
}

struct ValidCase {
    const char* name;
    std::string text;
};

const ValidCase kValid[] = {
    {"empty", ""},
    {"ascii", "Hello, world"},
    {"ascii longer than a word", "The quick brown fox jumps over the lazy dog 0123456789"},
    {"nul and del", std::string("\x00\x7f", 2)},
    {"kuhn kosme", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"},
    {"autobahn 6.2", "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!"},
    {"first 2-byte U+0080", "\xc2\x80"},
    {"last 2-byte U+07FF", "\xdf\xbf"},
    {"first 3-byte U+0800", "\xe0\xa0\x80"},
    {"last before surrogates U+D7FF", "\xed\x9f\xbf"},
    {"first after surrogates U+E000", "\xee\x80\x80"},
    {"replacement char U+FFFD", "\xef\xbf\xbd"},
    {"noncharacter U+FFFE", "\xef\xbf\xbe"},
    {"last 3-byte U+FFFF", "\xef\xbf\xbf"},
    {"first 4-byte U+10000", "\xf0\x90\x80\x80"},
    {"F1 lead U+40000", "\xf1\x80\x80\x80"},
    {"F3 lead U+FFFFF", "\xf3\xbf\xbf\xbf"},
    {"last code point U+10FFFF", "\xf4\x8f\xbf\xbf"},
    {"mixed, multibyte straddling words", "abcdefg\xc3\xa9hijklmn\xe2\x82\xacopqrstu\xf0\x9f\x98\x80vwxyz0123456789"},
};

TEST(Utf8, ValidCases) {
    for (const ValidCase& c : kValid) {
        EXPECT_TRUE(is_valid_utf8(c.text)) << c.name;
        Utf8Validator v;
        EXPECT_TRUE(feed(v, c.text)) << c.name;
        EXPECT_TRUE(v.complete()) << c.name;
    }
}

TEST(Utf8, ValidCasesSplitAtEveryByte) {
    for (const ValidCase& c : kValid) {
        std::string_view text = c.text;
        for (size_t split = 0; split <= text.size(); ++split) {
            Utf8Validator v;
            EXPECT_TRUE(feed(v, text.substr(0, split))) << c.name << " split " << split;
            EXPECT_TRUE(feed(v, text.substr(split))) << c.name << " split " << split;
            EXPECT_TRUE(v.complete()) << c.name << " split " << split;
        }
        Utf8Validator one_at_a_time;
        for (char byte : text) EXPECT_TRUE(feed(one_at_a_time, std::string_view(&byte, 1))) << c.name;
        EXPECT_TRUE(one_at_a_time.complete()) << c.name;
    }
}

struct InvalidCase {
    const char* name;
    std::string bytes;
    size_t fails_at;  // index of the first byte that no continuation can make valid
};

const InvalidCase kInvalid[] = {
    {"lone continuation 80", "\x80", 0},
    {"lone continuation BF", "\xbf", 0},
    {"continuation after ascii", "a\x80z", 1},
    {"C0 always overlong", "\xc0\x80", 0},
    {"C1 always overlong", "\xc1\xbf", 0},
    {"E0 overlong", "\xe0\x80\x80", 1},
    {"E0 overlong max", "\xe0\x9f\xbf", 1},
    {"F0 overlong", "\xf0\x80\x80\x80", 1},
    {"F0 overlong max", "\xf0\x8f\xbf\xbf", 1},
    {"surrogate U+D800", "\xed\xa0\x80", 1},
    {"surrogate U+DBFF", "\xed\xaf\xbf", 1},
    {"surrogate U+DC00", "\xed\xb0\x80", 1},
    {"surrogate U+DFFF", "\xed\xbf\xbf", 1},
    {"surrogate pair", "\xed\xa0\x80\xed\xb0\x80", 1},
    {"above U+10FFFF via F4 90", "\xf4\x90\x80\x80", 1},
    {"F4 BF", "\xf4\xbf\xbf\xbf", 1},
    {"F5", "\xf5\x80\x80\x80", 0},
    {"F7 4-byte above range", "\xf7\xbf\xbf\xbf", 0},
    {"F8 5-byte form", "\xf8\x88\x80\x80\x80", 0},
    {"FC 6-byte form", "\xfc\x84\x80\x80\x80\x80", 0},
    {"FE", "\xfe", 0},
    {"FF", "\xff", 0},
    {"2-byte lead then ascii", "\xc2\x41", 1},
    {"3-byte lead then ascii", "\xe1\x80\x41", 2},
    {"4-byte lead then ascii", "\xf1\x80\x80\x41", 3},
    {"two leads", "\xc2\xc2\x80", 1},
    {"too many continuations", "\xc2\x80\x80", 2},
    {"autobahn 6.4.1: kosme, F4 90 mid-message", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80" "edited", 12},
    {"autobahn 6.4.3: kosme, F4 90 split", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90" "edited", 12},
    {"invalid after long ascii", "0123456789abcdefghij\xff", 20},
};

TEST(Utf8, InvalidCases) {
    for (const InvalidCase& c : kInvalid) {
        EXPECT_FALSE(is_valid_utf8(c.bytes)) << c.name;
        Utf8Validator v;
        EXPECT_FALSE(feed(v, c.bytes)) << c.name;
        EXPECT_FALSE(v.complete()) << c.name;
    }
}

TEST(Utf8, FailsAtTheFirstHopelessByte) {
    for (const InvalidCase& c : kInvalid) {
        std::string_view bytes = c.bytes;
        Utf8Validator v;
        for (size_t i = 0; i < bytes.size(); ++i)
            EXPECT_EQ(feed(v, bytes.substr(i, 1)), i < c.fails_at) << c.name << " byte " << i;
        // Split in two anywhere: the first part fails only if it holds the bad byte.
        for (size_t split = 0; split <= bytes.size(); ++split) {
            Utf8Validator halves;
            EXPECT_EQ(feed(halves, bytes.substr(0, split)), split <= c.fails_at) << c.name << " split " << split;
            EXPECT_FALSE(feed(halves, bytes.substr(split))) << c.name << " split " << split;
        }
    }
}

TEST(Utf8, TruncatedSequencesAreIncompleteNotInvalid) {
    const std::string truncated[] = {"\xc2", "\xdf", "\xe0\xa0", "\xe1", "\xed\x9f", "\xef\xbf",
                                     "\xf0\x90", "\xf0\x90\x80", "\xf3\xbf\xbf", "\xf4\x8f\xbf", "abc\xe2\x82"};
    for (const std::string& bytes : truncated) {
        Utf8Validator v;
        EXPECT_TRUE(feed(v, bytes)) << bytes.size();
        EXPECT_FALSE(v.complete()) << bytes.size();
        EXPECT_FALSE(is_valid_utf8(bytes)) << bytes.size();
    }
}

TEST(Utf8, StaysInvalidUntilReset) {
    Utf8Validator v;
    EXPECT_FALSE(feed(v, "\xff"));
    EXPECT_FALSE(feed(v, "abc"));
    EXPECT_FALSE(feed(v, ""));
    v.reset();
    EXPECT_TRUE(v.complete());
    EXPECT_TRUE(feed(v, "abc"));
    v.feed(reinterpret_cast<const uint8_t*>("\xe2"), 1);
    v.reset();
    EXPECT_TRUE(v.complete());
}

TEST(Utf8, EveryCodePointInEveryLength) {
    // Shortest form is valid unless a surrogate; every longer (overlong) form
    // fails, at the lead byte for C0/C1 and at the second byte otherwise.
    for (uint32_t cp = 0; cp < 0x110000; ++cp) {
        bool surrogate = cp >= 0xd800 && cp <= 0xdfff;
        int shortest = shortest_length(cp);
        ASSERT_EQ(is_valid_utf8(encode(cp, shortest)), !surrogate) << std::hex << cp;
        for (int length = shortest + 1; length <= 4; length += 1) {
            if (cp % 97 != 0 && cp >= 0x100) continue;  // sample the long tail of overlongs
            ASSERT_FALSE(is_valid_utf8(encode(cp, length))) << std::hex << cp << " in " << length;
        }
    }
    // Beyond U+10FFFF in the 4-byte form: F4 90.. and F5..F7.
    for (uint32_t cp = 0x110000; cp < 0x200000; cp += 0x1001) ASSERT_FALSE(is_valid_utf8(encode(cp, 4))) << std::hex << cp;
}

TEST(Utf8, FastPathBoundaries) {
    // A bad byte or a multi-byte character at every offset around the 8-byte
    // words of the ASCII fast path, in a run of ASCII.
    for (size_t offset = 0; offset < 40; ++offset) {
        std::string bad(48, 'x');
        bad[offset] = '\x80';
        EXPECT_FALSE(is_valid_utf8(bad)) << offset;
        std::string good(48, 'x');
        good.replace(offset, 4, "\xf0\x9f\x98\x80");
        EXPECT_TRUE(is_valid_utf8(good)) << offset;
        std::string cut(offset, 'x');
        cut += "\xe2\x82";
        EXPECT_FALSE(is_valid_utf8(cut)) << offset;
    }
}

}  // namespace
