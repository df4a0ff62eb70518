// Strict RFC 8259 JSON reader: one value, nothing after it but whitespace.
// Refused, each with its own message and the line and column of the fault:
// trailing commas, comments, single quotes, NaN/Infinity and other bare
// words, leading zeros, '+' signs, control characters and invalid UTF-8 in
// strings, unknown escapes, lone surrogates, nesting deeper than 64. Accepted
// beyond the grammar only where the RFC allows it: a leading UTF-8 byte order
// mark is skipped, duplicate keys are kept (find() takes the last).
// Recursion is bounded by the depth limit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "json/value.h"

namespace json {

inline constexpr int kMaxDepth = 64;

// line and column are 1-based; the column counts characters (UTF-8 code
// points), as an editor shows them, and only '\n' starts a new line.
struct ParseError {
    size_t line = 0;
    size_t column = 0;
    std::string message;  // "expected ',' or '}'"
};

// On failure Error.message is "line 4, column 17: expected ',' or '}'".
Result<Value> parse(std::string_view text) noexcept;
// The same, also filling `error` on failure for callers that want the parts.
Result<Value> parse(std::string_view text, ParseError& error) noexcept;

}  // namespace json
