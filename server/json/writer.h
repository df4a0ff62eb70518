// Our own small JSON writer (RFC 8259). Strings are escaped minimally and
// safely: '"', '\' and all 32 control characters (\b \f \n \r \t by name,
// the rest as \u00XX, lowercase hex as JavaScript writes them); DEL and
// well-formed UTF-8 pass through; ill-formed UTF-8 never reaches the output
// raw: each maximal ill-formed subpart becomes \ufffd. Numbers are written
// with the text they were read with.
#pragma once

#include <string>
#include <string_view>

#include "json/value.h"

namespace json {

// Appends text as a JSON string, quotes included.
void append_escaped(std::string& out, std::string_view text);

// indent > 0: the registry file layout of the seeds, one member or element
// per line indented by `indent` spaces per level, "key": value, empty
// containers as [] and {}, and a final newline (a text file ends with one).
// indent 0: compact, one line, no spaces, no final newline (HTTP bodies).
std::string to_string(const Value& value, int indent = 2);
void append(std::string& out, const Value& value, int indent = 2);

}  // namespace json
