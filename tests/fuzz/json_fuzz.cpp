// libFuzzer target: json::parse, the reader of the registry file, with the
// writer and registry::from_json behind it. Invariants:
// - accepted: parse(to_string(v)) == v for the file layout and the compact
//   one, the writer is a fixed point, and a few proper prefixes of a
//   container document are refused (a truncated file is never a shorter value);
// - refused: the message is "line L, column C: <what>", with L and C inside
//   the input;
// - any bytes written as a JSON string by append_escaped parse back as a
//   string, equal to the input when it is valid UTF-8;
// - registry entries read from the document survive to_json/from_json.
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "json/reader.h"
#include "json/writer.h"
#include "registry/entry.h"
#include "websocket/utf8.h"

namespace {

void check_round_trip(const json::Value& value) {
    FUZZ_CHECK(value == value, "a value equals itself");
    for (int indent : {0, 2}) {
        std::string written = json::to_string(value, indent);
        FUZZ_CHECK(indent == 0 || (!written.empty() && written.back() == '\n'), "the file layout ends in a newline");
        FUZZ_CHECK(indent != 0 || written.find('\n') == std::string::npos, "the compact form is one line");
        Result<json::Value> again = json::parse(written);
        if (!again.ok()) std::fprintf(stderr, "writer output refused: %s\n", again.error().message.c_str());
        FUZZ_CHECK(again.ok(), "the writer's output parses");
        FUZZ_CHECK(again.value() == value, "parse(to_string(v)) == v");
        FUZZ_CHECK(json::to_string(again.value(), indent) == written, "the writer is a fixed point");
    }
}

void check_error(std::string_view text, const Result<json::Value>& result, const json::ParseError& error) {
    FUZZ_CHECK(error.line >= 1 && error.column >= 1, "positions are 1-based");
    FUZZ_CHECK(!error.message.empty(), "the error says what");
    std::string expected =
        "line " + std::to_string(error.line) + ", column " + std::to_string(error.column) + ": " + error.message;
    FUZZ_CHECK(result.error().message == expected, "message is 'line L, column C: what'");
    size_t lines = 1;
    for (char c : text) lines += c == '\n';
    FUZZ_CHECK(error.line <= lines, "the line is in the input");
    size_t line_start = 0;
    for (size_t line = 1; line < error.line; ++line) line_start = text.find('\n', line_start) + 1;
    size_t line_end = text.find('\n', line_start);
    size_t line_bytes = (line_end == std::string_view::npos ? text.size() : line_end) - line_start;
    FUZZ_CHECK(error.column <= line_bytes + 1, "the column is in the line (or just past its end)");
}

void check_prefixes(std::string_view text, uint64_t seed) {
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || (text[first] != '{' && text[first] != '[')) return;
    size_t last = text.find_last_not_of(" \t\r\n");
    fuzz::Rng rng(seed);
    for (int i = 0; i < 4; ++i) {
        size_t length = static_cast<size_t>(rng.next() % (last + 1));
        FUZZ_CHECK(!json::parse(text.substr(0, length)).ok(), "a truncated container is refused");
    }
}

void check_escaping(std::string_view bytes) {
    std::string quoted;
    json::append_escaped(quoted, bytes);
    FUZZ_CHECK(websocket::is_valid_utf8(quoted), "escaped output is valid UTF-8");
    Result<json::Value> back = json::parse(quoted);
    FUZZ_CHECK(back.ok() && back.value().is_string(), "an escaped string parses as a string");
    if (websocket::is_valid_utf8(bytes)) FUZZ_CHECK(back.value().as_string() == bytes, "valid text survives escaping");
}

void check_entry(const json::Value& value) {
    std::optional<registry::Entry> entry = registry::from_json(value);
    if (!entry) return;
    FUZZ_CHECK(entry->port >= 1 && entry->port <= 65535, "an entry's port is 1..65535");
    std::optional<registry::Entry> again = registry::from_json(registry::to_json(*entry));
    FUZZ_CHECK(again.has_value(), "a written entry reads back");
    FUZZ_CHECK(again->id == entry->id && again->port == entry->port && again->url == entry->url &&
                   again->pid == entry->pid && again->started_at == entry->started_at,
               "from_json(to_json(e)) == e");
}

void check_entries(const json::Value& document) {
    const json::Value* servers = document.find("servers");
    const json::Value& list = servers ? *servers : document;
    for (const json::Value& item : list.as_array()) check_entry(item);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    json::ParseError error;
    Result<json::Value> result = json::parse(text, error);
    if (result.ok()) {
        check_round_trip(result.value());
        check_prefixes(text, fuzz::hash(data, size));
        check_entries(result.value());
    } else {
        check_error(text, result, error);
    }
    check_escaping(text);
    return 0;
}
